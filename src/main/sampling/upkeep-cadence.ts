/**
 * The upkeep figures (dead tuples, vacuum and analyze times) are read on their
 * own cadence: five statistics calls per relation in the relation statement,
 * three more columns per row to parse, for figures the DBA looks at by the
 * hour. Due when there is no sample yet or the figures the latest sample holds
 * were read at least `everyMinutes` ago; otherwise not read, and the sample
 * records when the figures it carries were read.
 */
export function upkeepFor(readAt: Date | null, everyMinutes: number, now: Date): 'read' | { readAt: Date } {
  if (readAt === null) return 'read';
  return now.getTime() - readAt.getTime() >= everyMinutes * 60_000 ? 'read' : { readAt };
}
