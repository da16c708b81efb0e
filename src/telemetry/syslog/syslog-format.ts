/** Facility user (1) × 8 + severity: stderr lines are errors (3), stdout lines informational (6). */
const PRI_STDERR = '<11>';
const PRI_STDOUT = '<14>';

/**
 * One RFC 5424 message for one function output line, in Fn's layout (`api/agent/syslog.go`):
 * `<pri>1 TIMESTAMP fn - - - - call_id=… fn_id=… app_id=… line`, the call's tags in the message
 * as logfmt, so any receiver shows them. Fn writes version `2`, which is not RFC 5424 (receivers
 * then fall back to guessing); fnode writes the standard `1`.
 */
export function formatSyslog(
  prefix: string,
  callId: string,
  line: string,
  stream: 'stdout' | 'stderr' | undefined,
  now: number,
): string {
  const pri = stream === 'stdout' ? PRI_STDOUT : PRI_STDERR;
  return `${pri}1 ${new Date(now).toISOString()} fn - - - - call_id=${callId} ${prefix}${line}`;
}

/** The per-container part of each message: `fn_id=… app_id=… `. */
export function syslogPrefix(fnId: string, appId: string): string {
  return `fn_id=${fnId} app_id=${appId} `;
}
