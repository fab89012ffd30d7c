/**
 * Every request channel, kept free of zod so the sandboxed preload can carry
 * it cheaply. contract.ts fails to compile if the two lists differ.
 */
export const channelNames = [
  'app:info',
  'profiles:list',
  'profiles:get',
  'profiles:create',
  'profiles:update',
  'profiles:duplicate',
  'profiles:delete',
  'profiles:parseUri',
  'profiles:discover',
  'profiles:import',
  'profiles:test',
  'profiles:unlock',
  // storage, schedules, settings, health, demo
  'storage:overview',
  'storage:children',
  'storage:sampleNow',
  'storage:series',
  'storage:topGrowers',
  'storage:growth',
  'schedule:get',
  'schedule:set',
  'settings:get',
  'settings:update',
  'health:overview',
  'health:profile',
  'demo:start',
  'demo:status',
] as const;

export type Channel = (typeof channelNames)[number];
