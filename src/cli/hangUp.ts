/**
 * A program on a terminal (dashboard, fleet view, serve) that stopped because its terminal hung up (SIGHUP:
 * the SSH session dropped) ends by the signal itself: at a normal exit Node would try to restore
 * the terminal's mode and abort on the EIO (node 20's ResetStdio). Called after the rig is safe,
 * the files closed and the exit line written.
 */
export function endByHangUpIf(reason: string): void {
  if (reason !== "SIGHUP") return;
  process.removeAllListeners("SIGHUP");
  process.kill(process.pid, "SIGHUP");
}
