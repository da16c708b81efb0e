/** `MessageQueue.delete` of a job that a newer reservation holds (its visibility ran out). */
export class ReservationLostError extends Error {
  override readonly name = 'ReservationLostError';
  readonly code = 'FNODE_MQ_RESERVATION_LOST';

  constructor(readonly jobId: string) {
    super(`reservation lost: job ${jobId} is held by a newer reservation`);
  }
}
