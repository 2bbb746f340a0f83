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

/** Every zone this browser knows, UTC first, with `current` kept even when the list lacks it. */
export function zoneNames(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  const names = new Set(['UTC', ...known])
  names.add(current)
  return [...names]
}
