/**
 * `npm run test:postgres`: the suite's files that start in-process servers, run again with every
 * such server on PostgreSQL and Redis (CODEJURY_TEST_STORAGE=postgres, helpers/testEngines.ts).
 *
 * A file is listed when its servers run on the shared engines and it passes there. Left out: files
 * that start no in-process server (the variable changes nothing for them), files that choose their
 * own storage or spawn child servers on DATA_DIR files, files about one engine only (pg*, redis*,
 * sharedRoom, scaleOut), and files that read or damage DATA_DIR's own files (room logs, records,
 * audit, users.json), fill a tmpfs, or need the built client. LEFT_OUT says why, file by file.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'

export const POSTGRES_SUITE = [
  'access',
  'accessCli',
  'accessUsers',
  'activeTime',
  'activity',
  'anchors',
  'badInput',
  'ballots',
  'ballotsSealed',
  'blindReasons',
  'cli',
  'cliImport',
  'comments',
  'commentsBounds',
  'commentsFinalize',
  'convergence',
  'distribute',
  'evidence',
  'finalizeRuns',
  'finalizeServerRuns',
  'hostileIds',
  'importOptions',
  'importRestart',
  'integrity',
  'liveTaskEvents',
  'mergeRatings',
  'nextTask',
  'peopleSummary',
  'permissions',
  'plainEditOverlap',
  'presenceColors',
  'quality',
  'qualityFresh',
  'reasonLabels',
  'recordSeq',
  'refusedWrites',
  'roomSync',
  'runsRoute',
  'sandbox',
  'signinPage',
  'slowReaders',
  'stats',
  'submit',
  'sync',
  'taskPaging',
  'textIntegrity',
  'timeline',
  'timesheet',
  'timesheetZone',
  'title',
  'verifyCli',
  'testEngines',
] as const

/** Files that start in-process servers but are not in the list, with why. */
export const LEFT_OUT: ReadonlyMap<string, string> = new Map([
  ['assignmentLog', 'reads DATA_DIR/tasks and assignments.log; fills a tmpfs'],
  ['batches', 'reads DATA_DIR/task-packs'],
  ['blind', 'migrates a DATA_DIR from before opaque ids (batches.json); a shared database never needs it'],
  ['cliWorkflow', 'tampers with a record file in DATA_DIR/records'],
  ['commentsOwnership', 'reads the file audit log in DATA_DIR/audit'],
  ['corruption', 'damages room files; children run on files'],
  ['exportRoute', 'tampers with a record file in DATA_DIR/records'],
  ['finalizeAtomic', 'kills child servers, which run on files (scaleOut kills one on PostgreSQL)'],
  ['finalizeAtomicDisk', 'fills a tmpfs under the record files'],
  ['fullDisk', 'fills a tmpfs under users.json'],
  ['gold', 'reads DATA_DIR/audit; fills a tmpfs under gold.json'],
  ['http', 'expects health to be exactly { ok: true } (it adds database and redis); reads users.json'],
  ['importAtomicity', 'reads DATA_DIR/imports staging; kills child servers on files; STORAGE=memory'],
  ['importErrors', 'counts DATA_DIR/task-packs'],
  ['importLimits', 'lists DATA_DIR for files left behind'],
  ['persistence', 'room log and snapshot files, torn records; children on files'],
  ['records', 'record files: modes, tampering'],
  ['roomSeed', 'room files on first load; a damaged snapshot file'],
  ['runnerFiles', 'needs the built client (client/dist), on files as well'],
  ['sessions', 'reads and writes sessions.json and users.json'],
  ['signing', 'DATA_DIR/keys and record files; rotates the key, which a shared database refuses by design'],
  ['workflow', 'reads DATA_DIR/audit'],
  ['demoLinks', 'child servers only'],
  ['fullDiskRoom', 'child servers only'],
  ['readers', 'child servers only'],
  ['recordFiles', 'child servers only'],
  ['recordsFileModes', 'child servers only'],
  ['fuzz', 'STORAGE=memory'],
  ['roomMemory', 'STORAGE=memory'],
  ['roomStoreFailure', 'a room storage of its own'],
])

/** One uvu run over the listed files, anchored, with the servers on the shared engines. */
function run(): number {
  const root = path.resolve(import.meta.dirname, '..')
  const pattern = `^(${POSTGRES_SUITE.join('|')})\\.test\\.ts$`
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'tests', pattern], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CODEJURY_TEST_STORAGE: 'postgres' },
  })
  return result.status ?? 1
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) process.exitCode = run()
