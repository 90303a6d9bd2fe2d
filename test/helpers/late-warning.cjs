// Preloaded with --require: Node itself prints a warning on its own stderr stream a moment into
// the run (as NODE_TLS_REJECT_UNAUTHORIZED=0 or a deprecated API makes it do), while live lines
// may be shown.
setTimeout(() => process.emitWarning('something Node itself wants to say'), Number(process.env.LATE_WARNING_MS ?? 150)).unref();
