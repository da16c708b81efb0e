/** Fn's defaults and limits (seed 003 constants, later relaxed name lengths of Fn HEAD). */
export const DefaultMemoryMB = 128;
export const DefaultTimeoutSecs = 30;
export const DefaultIdleTimeoutSecs = 30;
export const MaxMemoryMB = 8 * 1024;
/** v2 fn timeout limit. */
export const MaxFnTimeoutSecs = 300;
export const MaxSyncTimeoutSecs = 120;
export const MaxAsyncTimeoutSecs = 3600;
export const MaxIdleTimeoutSecs = 3600;
export const MaxLengthAppName = 255;
export const MaxLengthFnName = 255;
export const MaxLengthTriggerName = 255;
export const MaxAnnotationValueBytes = 512;
export const MaxAnnotationKeyBytes = 128;
export const MaxAnnotationKeys = 100;
export const MinMilliCPUs = 100;
export const MaxMilliCPUs = 1024000;
/**
 * Free text stored as it is (an image, a syslog URL, a trigger source, a route path) is at most
 * this long in UTF-8, on every datastore: MySQL's TEXT holds no more, and would cut trailing
 * spaces beyond it without a word. More is 413 Request content too large.
 */
export const MaxTextBytes = 65_535;
/**
 * A sync call's record keeps this much of its URL (the rest is cut): every datastore holds it,
 * MySQL's TEXT included, whatever the request's (up to FN_MAX_REQUEST_HEADER_SIZE).
 */
export const MaxRecordedUrlBytes = 65_535;
export const DefaultPerPage = 30;
export const MaxPerPage = 100;
