import type { ReactNode } from 'react';
import type { SwitchRule, ValueRule } from './alerts';

/** The alert rules form, row by row: what each figure is called, its unit, and what it does. */

export type ValueSpec = {
  rule: ValueRule;
  /** Read before the visible text by screen readers, so every input has a name of its own. */
  name: string;
  /** The words before the input, e.g. "warn above". */
  text: string;
  unit: string;
};

export type RuleSpec = {
  id: string;
  title: string;
  switch?: SwitchRule;
  value: ValueSpec;
  hint: ReactNode;
};

export const growthRules: RuleSpec[] = [
  {
    id: 'growth',
    title: 'Database growth',
    switch: 'growthWarningEnabled',
    value: {
      rule: 'growthWarningPct',
      name: 'Database growth:',
      text: 'warn above',
      unit: '% in the window',
    },
    hint: 'The database now against its size one growth window ago, once the history reaches back that far. Never two samples minutes apart scaled up to a day.',
  },
  {
    id: 'relation-growth',
    title: 'Relation growth',
    switch: 'relationGrowthEnabled',
    value: {
      rule: 'relationGrowthPct',
      name: 'Relation growth:',
      text: 'warn above',
      unit: '% in the window',
    },
    hint: 'The same for every table, partitioned table, hypertable or materialized view. A relation not measured in either sample never counts as grown or shrunk.',
  },
  {
    id: 'growth-per-day',
    title: 'Growth a day',
    switch: 'growthPerDayEnabled',
    value: { rule: 'growthPerDayBytes', name: 'Growth a day:', text: 'warn above', unit: 'GiB a day' },
    hint: 'The database and each relation, over the same window, in bytes a day: a big database can grow fast in a small percentage.',
  },
  {
    id: 'growth-window',
    title: 'Growth window',
    value: {
      rule: 'growthWindowHours',
      name: 'Growth window:',
      text: 'compare with the size',
      unit: 'h before',
    },
    hint: 'The growth rules compare with the sample nearest to this long before (within a tenth of it).',
  },
  {
    id: 'floor',
    title: 'Size floor',
    value: {
      rule: 'growthFloorBytes',
      name: 'Size floor:',
      text: 'ignore anything smaller than',
      unit: 'GiB',
    },
    hint: 'Growth rules skip databases and relations below this size: a 16 kB table that doubles is not news. 0 watches everything.',
  },
];

export const sizeRules: RuleSpec[] = [
  {
    id: 'critical',
    title: 'Critical size',
    switch: 'sizeCriticalEnabled',
    value: {
      rule: 'sizeCriticalBytes',
      name: 'Critical size:',
      text: 'alert when the database is above',
      unit: 'GiB',
    },
    hint: 'However slowly it grows. A critical alert, shown in red.',
  },
  {
    id: 'forecast',
    title: 'Critical size forecast',
    switch: 'forecastEnabled',
    value: {
      rule: 'forecastDays',
      name: 'Critical size forecast:',
      text: 'warn when reached within',
      unit: 'days',
    },
    hint: 'At the growth rate fitted over the history (the median of the slopes between samples), the database would reach the critical size within this many days.',
  },
  {
    id: 'disk-full',
    title: 'Disk full',
    switch: 'diskFullEnabled',
    value: {
      rule: 'diskFullDays',
      name: 'Disk full:',
      text: 'warn when the disk is full within',
      unit: 'days',
    },
    hint: 'Only for a profile with a disk size. Every database of the server together (their sum in the latest sample) at the same fitted rate; pg_wal and other files on the volume are not counted.',
  },
  {
    id: 'rate-window',
    title: 'Rate history',
    value: { rule: 'rateWindowHours', name: 'Rate history:', text: 'a rate needs samples over', unit: 'h' },
    hint: 'No growth rate, forecast or forecast alert until the samples span this long.',
  },
  {
    id: 'rate-samples',
    title: 'Rate samples',
    value: { rule: 'rateMinSamples', name: 'Rate samples:', text: 'and at least', unit: 'samples' },
    hint: 'Two samples always make a line; at least 3.',
  },
];

export const serverRules: RuleSpec[] = [
  {
    id: 'server-down',
    title: 'Server not answering',
    switch: 'serverDownEnabled',
    value: { rule: 'serverDownMinutes', name: 'Server not answering:', text: 'alert after', unit: 'min' },
    hint: 'Heartbeats failing for this long. Resolved by itself when the server answers again.',
  },
  {
    id: 'slot-retention',
    title: 'WAL kept by a slot',
    switch: 'slotRetainedEnabled',
    value: {
      rule: 'slotRetainedBytes',
      name: 'WAL kept by a slot:',
      text: 'warn when an inactive slot retains more than',
      unit: 'GiB',
    },
    hint: 'An inactive replication slot keeps every WAL file since its consumer left: pg_wal grows until the slot is used again or dropped. Read at each storage sample.',
  },
  {
    id: 'wraparound',
    title: 'Transaction-ID wraparound',
    switch: 'wraparoundEnabled',
    value: {
      rule: 'wraparoundPct',
      name: 'Wraparound:',
      text: 'alert when a database is past',
      unit: '% of 2^31',
    },
    hint: 'The age of the oldest unfrozen transaction ID or multixact of a database, against the 2^31 at which PostgreSQL stops accepting writes. A critical alert.',
  },
];
