/** Subscription times: parsing `/subscribe` arguments and finding the next post time in a time zone. */
import { DateTime } from 'luxon';
import type { Cadence } from '../store/store.js';

export interface Schedule {
  cadence: Cadence;
  /** 1 = Monday … 7 = Sunday (weekly). */
  weekday: number | null;
  /** HH:MM */
  time: string;
}

const WEEKDAYS: Record<string, number> = {
  mon: 1, monday: 1, 周一: 1, 星期一: 1, 週一: 1,
  tue: 2, tuesday: 2, 周二: 2, 星期二: 2, 週二: 2,
  wed: 3, wednesday: 3, 周三: 3, 星期三: 3, 週三: 3,
  thu: 4, thursday: 4, 周四: 4, 星期四: 4, 週四: 4,
  fri: 5, friday: 5, 周五: 5, 星期五: 5, 週五: 5,
  sat: 6, saturday: 6, 周六: 6, 星期六: 6, 週六: 6,
  sun: 7, sunday: 7, 周日: 7, 星期日: 7, 星期天: 7, 週日: 7,
};

/** `daily 09:00` or `weekly mon 09:00` (also 1–7 and 周一/星期一…); undefined when malformed. */
export function parseSchedule(args: string): Schedule | undefined {
  const parts = args.trim().toLowerCase().split(/\s+/);
  const time = (t: string | undefined) => {
    const m = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(t ?? '');
    return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : undefined;
  };
  if (parts[0] === 'daily' && parts.length === 2) {
    const t = time(parts[1]);
    return t ? { cadence: 'daily', weekday: null, time: t } : undefined;
  }
  if (parts[0] === 'weekly' && parts.length === 3) {
    const name = parts[1]!;
    const day = Object.hasOwn(WEEKDAYS, name) ? WEEKDAYS[name] : /^[1-7]$/.test(name) ? Number(name) : undefined;
    const t = time(parts[2]);
    return day && t ? { cadence: 'weekly', weekday: day, time: t } : undefined;
  }
  return undefined;
}

/** The first time after `after` (epoch ms) at which the schedule posts, in time zone `zone`. */
export function nextOccurrence(s: Schedule, after: number, zone: string): number {
  const [hour, minute] = s.time.split(':').map(Number) as [number, number];
  const base = DateTime.fromMillis(after, { zone });
  let candidate = base.set({ hour, minute, second: 0, millisecond: 0 });
  if (s.cadence === 'weekly') candidate = candidate.plus({ days: (s.weekday! - candidate.weekday + 7) % 7 });
  while (candidate.toMillis() <= after) candidate = candidate.plus({ days: s.cadence === 'weekly' ? 7 : 1 });
  return candidate.toMillis();
}

/** A post time for people: "2026-11-28 09:00 (Asia/Shanghai)". */
export function formatTime(ms: number, zone: string): string {
  return `${DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm')} (${zone})`;
}
