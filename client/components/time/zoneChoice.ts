/**
 * The lead's time zone for days and weeks: `?tz=` in the address when it names a zone, else the
 * one remembered in localStorage, else UTC. Choosing one writes both, so a shared link keeps it
 * and the next visit starts from it.
 */
import { useSearchParams } from '@solidjs/router'
import { isTimeZone } from '../../../shared/timeZone'

const STORAGE_KEY = 'codejury.timeZone'

function remembered(): string | null {
  try {
    const zone = localStorage.getItem(STORAGE_KEY)
    return isTimeZone(zone) ? zone : null
  } catch {
    return null
  }
}

/** The chosen zone as a signal and its setter. */
export function createZoneChoice(): [() => string, (zone: string) => void] {
  const [params, setParams] = useSearchParams<{ tz?: string }>()
  const zone = () => {
    const fromUrl = params.tz
    return isTimeZone(fromUrl) ? fromUrl : (remembered() ?? 'UTC')
  }
  const choose = (next: string) => {
    if (!isTimeZone(next)) return
    try {
      localStorage.setItem(STORAGE_KEY, next)
    } catch {
      // private mode: the address still carries it
    }
    setParams({ tz: next }, { replace: true })
  }
  return [zone, choose]
}

/** Names ICU still lists under their old spelling, and the ones people know them by today. */
const RENAMED = new Map([
  ['Asia/Calcutta', 'Asia/Kolkata'],
  ['Europe/Kiev', 'Europe/Kyiv'],
  ['Asia/Saigon', 'Asia/Ho_Chi_Minh'],
  ['Asia/Katmandu', 'Asia/Kathmandu'],
  ['Asia/Rangoon', 'Asia/Yangon'],
  ['America/Godthab', 'America/Nuuk'],
  ['Africa/Asmera', 'Africa/Asmara'],
  ['Atlantic/Faeroe', 'Atlantic/Faroe'],
])

/** Every zone this browser knows, UTC first, with `current` kept even when the list lacks it. */
export function zoneNames(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  const modern = (name: string) => {
    const now = RENAMED.get(name)
    return now && isTimeZone(now) ? now : name
  }
  const names = new Set(['UTC', ...known.map(modern).sort()])
  names.add(current)
  return [...names]
}
