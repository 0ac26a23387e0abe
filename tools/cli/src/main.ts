import 'reflect-metadata';
import { runCommand, UsageError, type Command } from './args';
import { changes } from './commands/changes';
import { devDown } from './commands/dev-down';
import { devUp } from './commands/dev-up';
import { jobs } from './commands/jobs';
import { load } from './commands/load';
import { query } from './commands/query';
import { regionList, regionMerge, regionSplit } from './commands/region';
import { status } from './commands/status';
import { storeList, storeRemove } from './commands/store';

const commands: Command[] = [devUp, devDown, status, load, jobs, changes, query, storeList, storeRemove, regionList, regionSplit, regionMerge];

const topUsage = `quarry — command line for Quarry, the distributed RDF quad store

Usage: quarry <command> [options]      (quarry <command> --help for its options)

Commands:
${commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(topUsage);
    return argv.length === 0 ? 1 : 0;
  }
  // Longest match first, so "dev up" wins over a hypothetical "dev".
  const byLength = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const cmd of byLength) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return runCommand(cmd, argv.slice(words.length));
  }
  for (const group of ['store', 'region']) {
    if (argv[0] === group) {
      const sub = commands.filter((c) => c.name.startsWith(`${group} `));
      process.stdout.write(`Usage: quarry ${group} ${sub.map((c) => c.name.split(' ')[1]).join('|')} [options]\n\n${sub.map((c) => `  ${c.name.padEnd(14)} ${c.summary}`).join('\n')}\n`);
      return argv[1] === '--help' || argv[1] === '-h' ? 0 : 1;
    }
  }
  if (argv[0] === 'dev') {
    process.stdout.write(`Usage: quarry dev up|down [options]\n\n  dev up     ${devUp.summary}\n  dev down   ${devDown.summary}\n`);
    return argv[1] === '--help' || argv[1] === '-h' ? 0 : 1;
  }
  throw new UsageError(`unknown command "${argv.join(' ')}"\n\n${topUsage}`);
}

/** Exits only once stdout is flushed: a pipe is written asynchronously, and exit() would cut it. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (err: Error) => {
  process.stderr.write(`quarry: ${err.message}\n`);
  exitAfterFlush(err instanceof UsageError ? 64 : 1);
});
