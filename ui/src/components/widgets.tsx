import { type ReactNode, useState } from 'react';
import { NavContext } from '../hooks.js';
import { useContext } from 'react';

/** An in-app link: a real href (open in a new tab works), navigation without a reload. */
export function Link(props: { to: string; children: ReactNode; className?: string }) {
  const go = useContext(NavContext);
  return (
    <a
      href={`/ui${props.to}`}
      className={props.className}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        go(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

export function ErrorBox(props: { error: string | undefined }) {
  if (!props.error) return null;
  return (
    <p className="error" role="alert">
      {props.error}
    </p>
  );
}

/** Copies a text to the clipboard, saying so. */
export function Copy(props: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <span className="copy">
      <code>{props.text}</code>{' '}
      <button
        type="button"
        aria-label={`Copy ${props.label}`}
        onClick={() => {
          void navigator.clipboard?.writeText(props.text).then(
            () => setDone(true),
            () => setDone(false),
          );
        }}
      >
        {done ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

/** A delete button that asks once more before acting. */
export function ConfirmDelete(props: { what: string; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Delete {props.what}
      </button>
    );
  return (
    <fieldset className="confirm">
      <legend className="sr-only">Confirm deleting {props.what}</legend>
      Delete {props.what}?{' '}
      <button
        type="button"
        className="danger"
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        Yes, delete
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </fieldset>
  );
}

/** A labelled input. */
export function Field(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  type?: string;
  required?: boolean;
  placeholder?: string;
  name?: string;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

export function TextArea(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  rows?: number;
  name?: string;
}) {
  return (
    <label className="field wide">
      <span>{props.label}</span>
      <textarea
        name={props.name}
        rows={props.rows ?? 4}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        spellCheck={false}
      />
    </label>
  );
}

/** A pager over cursor pages: the cursors of the pages seen, to go back. */
export function Pager(props: { hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void }) {
  if (!props.hasPrev && !props.hasNext) return null;
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" disabled={!props.hasPrev} onClick={props.onPrev}>
        Previous
      </button>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        Next
      </button>
    </nav>
  );
}

/** Cursor paging state: the current cursor, and the way back. */
export function useCursorPages(): {
  cursor: string | undefined;
  next: (c: string | undefined) => void;
  prev: () => void;
  hasPrev: boolean;
  reset: () => void;
} {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  return {
    cursor: stack[stack.length - 1],
    next: (c) => c && setStack((s) => [...s, c]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    hasPrev: stack.length > 1,
    reset: () => setStack([undefined]),
  };
}
