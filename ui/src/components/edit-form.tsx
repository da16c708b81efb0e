import { useState } from 'react';
import { useAction } from '../hooks.js';
import { annotationsToText, configToText, mergePatch, textToAnnotations, textToConfig } from '../objects.js';
import { ErrorBox, Field, TextArea } from './widgets.js';

/** Annotations fnode sets itself (endpoints): shown, never edited. */
const managed = (k: string) => k.startsWith('fnproject.io/');

function editable(a: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(a ?? {}).filter(([k]) => !managed(k)));
}

interface Editable {
  config?: Record<string, string>;
  annotations?: Record<string, unknown>;
  memory?: number;
  timeout?: number;
  idle_timeout?: number;
  syslog_url?: string;
}

/**
 * Edits an app (config, annotations, syslog URL) or a fn (also memory, timeout, idle timeout)
 * with one PUT; removed keys are sent empty, which is how Fn removes them.
 */
export function EditForm(props: { kind: 'app' | 'fn'; path: string; entity: Editable; onSaved: () => void }) {
  const e = props.entity;
  const [memory, setMemory] = useState(String(e.memory ?? ''));
  const [timeout, setTimeoutText] = useState(String(e.timeout ?? ''));
  const [idle, setIdle] = useState(String(e.idle_timeout ?? ''));
  const [syslog, setSyslog] = useState(e.syslog_url ?? '');
  const [config, setConfig] = useState(configToText(e.config));
  const [annotations, setAnnotations] = useState(annotationsToText(editable(e.annotations)));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const int = (label: string, v: string): number => {
    if (!/^\d+$/.test(v.trim())) throw new Error(`${label} must be a whole number`);
    return Number(v);
  };

  return (
    <form
      className="edit"
      aria-label={`Edit ${props.kind}`}
      onSubmit={async (ev) => {
        ev.preventDefault();
        setSaved(false);
        const ok = await action.run(async (api) => {
          const body: Record<string, unknown> = {
            config: mergePatch(e.config, textToConfig(config), ''),
            annotations: mergePatch(editable(e.annotations), textToAnnotations(annotations), ''),
          };
          if (props.kind === 'fn') {
            body['memory'] = int('Memory', memory);
            body['timeout'] = int('Timeout', timeout);
            body['idle_timeout'] = int('Idle timeout', idle);
          } else body['syslog_url'] = syslog.trim();
          await api.json('PUT', props.path, body);
        });
        if (ok) {
          setSaved(true);
          props.onSaved();
        }
      }}
    >
      <h2>Settings</h2>
      <div className="row">
        {props.kind === 'fn' ? (
          <>
            <Field label="Memory (MB)" name="memory" value={memory} onChange={setMemory} type="number" />
            <Field
              label="Timeout (s)"
              name="timeout"
              value={timeout}
              onChange={setTimeoutText}
              type="number"
            />
            <Field
              label="Idle timeout (s)"
              name="idle_timeout"
              value={idle}
              onChange={setIdle}
              type="number"
            />
          </>
        ) : (
          <Field
            label="Syslog URL"
            name="syslog_url"
            value={syslog}
            onChange={setSyslog}
            placeholder="tcp://host:514"
          />
        )}
      </div>
      <div className="row">
        <TextArea label="Config (KEY=value per line)" name="config" value={config} onChange={setConfig} />
        <TextArea
          label="Annotations (JSON object)"
          name="annotations"
          value={annotations}
          onChange={setAnnotations}
        />
      </div>
      <button type="submit" disabled={action.busy}>
        Save {props.kind}
      </button>
      {saved && <span role="status"> Saved.</span>}
      <ErrorBox error={action.error} />
    </form>
  );
}
