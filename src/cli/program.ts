import { Command, Option } from 'commander';
import { createRequire } from 'node:module';
import { Ctx } from './context.js';
import { SbxError } from '../errors.js';

const require = createRequire(import.meta.url);
const VERSION = (require('../../package.json') as { version: string }).version;

/** Command modules are imported only when their command runs, so `sbx validate` starts fast. */
type Loader = () => Promise<{ run: (ctx: Ctx, ...args: any[]) => Promise<void> }>;
function action(load: Loader, signal?: AbortSignal) {
  return async (...args: any[]) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = Ctx.from(cmd, signal);
    const mod = await load();
    await mod.run(ctx, ...args.slice(0, -1), cmd);
  };
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** `signal` is aborted on Ctrl-C/SIGTERM; every command's Ctx carries it. */
export function buildProgram(signal?: AbortSignal): Command {
  const program = new Command('sbx')
    .description('Run resource-bounded multi-container sandboxes with real storage on Docker from a YAML manifest.')
    .version(VERSION, '--version')
    .addOption(new Option('-o, --output <format>', 'output format where the output is data: table|wide|json|yaml|name'))
    .option('--context <name>', 'docker context to use (DOCKER_HOST is honoured too)')
    .addOption(new Option('--progress <mode>', 'progress on stderr').choices(['auto', 'plain', 'json', 'quiet']).default('auto'))
    .option('--no-color', 'disable colour (NO_COLOR is honoured too)')
    .option('-v, --verbose', 'print every docker/ossfs command line (secrets redacted)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      examples([
        'sbx validate -f sandbox.yaml',
        'sbx apply -f sandbox.yaml --wait',
        'sbx ls',
        'sbx exec demo -- sh -c "echo hi"',
        'sbx delete demo',
      ]),
    );
  // Usage errors are reported by cli/main.ts like every other error (USAGE, JSON under -o json).
  program.configureOutput({ outputError: () => undefined });
  program.helpCommand(false);

  program
    .command('validate')
    .description('validate manifests; needs no Docker engine')
    .requiredOption('-f, --filename <path...>', 'manifest file, directory, or - for stdin')
    .addHelpText('after', examples(['sbx validate -f sandbox.yaml', 'cat sandbox.yaml | sbx validate -f - -o json']))
    .action(action(() => import('./validate.js'), signal));

  program
    .command('apply')
    .description('create or converge sandboxes to the manifest')
    .requiredOption('-f, --filename <path...>', 'manifest file, directory, or - for stdin')
    .option('--dry-run', 'print the plan (each step with its cause and docker argv) and change nothing')
    .option('--wait', 'wait until every container runs and the readiness probe passes')
    .option('--timeout <duration>', 'how long --wait waits (e.g. 90s, 2m)', '2m')
    .option('--concurrency <n>', 'sandboxes applied at once when the manifests hold several (default: twice the CPUs, at most 8)')
    .addHelpText('after', examples(['sbx apply -f sandbox.yaml', 'sbx apply -f sandbox.yaml --dry-run', 'sbx apply -f dir/ --wait --timeout 5m']))
    .action(action(() => import('./apply.js'), signal));

  program
    .command('delete')
    .description('remove sandboxes: containers, infra, network, tmpfs volumes, unused ossfs mounts')
    .argument('[ids...]', 'sandbox ids')
    .option('-f, --filename <path...>', 'delete the sandboxes of these manifests')
    .option('--all', 'delete every sandbox')
    .option('-l, --selector <key=value...>', 'delete every sandbox whose manifest labels (metadata.labels) match all of these')
    .option('--volumes', 'also remove pvc volumes that sbx created (create: true) and nothing else uses')
    .option('--concurrency <n>', 'host-side work of this many sandboxes at once; docker removes all of them in one call per kind (default: twice the CPUs, at most 8)')
    .addHelpText('after', examples(['sbx delete demo', 'sbx delete -f sandbox.yaml', 'sbx delete -l team=ci', 'sbx delete --all']))
    .action(action(() => import('./delete.js'), signal));

  program
    .command('ls')
    .alias('list')
    .description('list sandboxes')
    .option('-a, --all', 'include expired and failed sandboxes in the default view')
    .option('-q, --quiet', 'print ids only')
    .addHelpText('after', examples(['sbx ls', 'sbx ls -q', 'sbx ls -o json']))
    .action(action(() => import('./ls.js'), signal));

  program
    .command('get')
    .description('show one sandbox: containers, mounts, ports, expiry')
    .argument('<id>', 'sandbox id')
    .addHelpText('after', examples(['sbx get demo', 'sbx get demo -o yaml > demo.yaml   # export the manifest']))
    .action(action(() => import('./get.js'), signal));

  program
    .command('logs')
    .description('print container logs')
    .argument('<id>', 'sandbox id')
    .argument('[container]', 'container name (default: all)')
    .option('-f, --follow', 'follow log output')
    .option('--tail <n>', 'lines from the end of each log')
    .option('--timestamps', 'show timestamps')
    .addHelpText('after', examples(['sbx logs demo', 'sbx logs demo app -f --tail 20']))
    .action(action(() => import('./logs.js'), signal));

  program
    .command('exec')
    .description('run a command in a container of a sandbox; its exit code is passed through')
    .argument('<id>', 'sandbox id')
    .argument('<command...>', 'command and arguments (after --)')
    .option('-c, --container <name>', 'container (default: the first one)')
    .option('-i, --interactive', 'keep stdin open')
    .option('-t, --tty', 'allocate a terminal')
    .addHelpText('after', examples(['sbx exec demo -- ls /', 'sbx exec demo -c reader -- cat /var/www/html/x']))
    .action(action(() => import('./exec.js'), signal));

  program
    .command('cp')
    .description('copy files or directories between a sandbox and the host (binary-safe, through docker cp)')
    .argument('<src>', 'ID[:CONTAINER]:/path, a host path, or - (a tar stream on stdin)')
    .argument('<dst>', 'ID[:CONTAINER]:/path, a host path, or - (a tar stream on stdout)')
    .addHelpText('after', examples(['sbx cp model.bin demo:/data/model.bin', 'sbx cp demo:reader:/var/www ./www', 'tar -C src -c . | sbx cp - demo:/data', 'sbx cp demo:/data - | tar -t']))
    .action(action(() => import('./cp.js')));

  program
    .command('wait')
    .description("block until a sandbox's container(s) exit; exit with the container's code")
    .argument('<id>', 'sandbox id')
    .option('-c, --container <name>', 'container (default: every container)')
    .option('--timeout <duration>', 'give up after this long (e.g. 90s, 10m): WAIT_TIMEOUT, exit 1')
    .addHelpText('after', examples(['sbx apply -f job.yaml && sbx wait job -c main; rc=$?; sbx delete job', 'sbx wait demo --timeout 10m']))
    .action(action(() => import('./wait.js')));

  program
    .command('stop')
    .description('stop every container of sandboxes (infra last), keeping containers, volumes and mounts')
    .argument('<ids...>', 'sandbox ids')
    .addHelpText('after', examples(['sbx stop demo', 'sbx start demo']))
    .action(action(() => import('./stop.js')));

  program
    .command('start')
    .description('start stopped sandboxes again through the same preparation as apply (mounts re-checked and re-staged)')
    .argument('<ids...>', 'sandbox ids')
    .addHelpText('after', examples(['sbx start demo']))
    .action(action(() => import('./start.js')));

  program
    .command('gc')
    .description('delete expired sandboxes, leftovers of interrupted applies, unused or dead bucket mounts')
    .option('--dry-run', 'print what would be removed')
    .option('--concurrency <n>', 'sandboxes deleted at once (default: twice the CPUs, at most 8)')
    .addHelpText('after', examples(['sbx gc', 'sbx gc --dry-run', 'sbx gc --concurrency 4']))
    .action(action(() => import('./gc.js'), signal));

  program
    .command('render')
    .description('render manifests for another target (kubernetes)')
    .requiredOption('-f, --filename <path...>', 'manifest file, directory, or - for stdin')
    .addOption(new Option('--target <target>', 'target platform').choices(['kubernetes']).default('kubernetes'))
    .option('--secrets-from-env', 'fill the OSS Secret from OSS_ACCESS_KEY_ID/OSS_ACCESS_KEY_SECRET instead of placeholders')
    .addHelpText('after', examples(['sbx render -f sandbox.yaml --target kubernetes > pod.yaml']))
    .action(action(() => import('./render.js'), signal));

  program
    .command('completion')
    .description('print a shell completion script')
    .argument('<shell>', 'bash or zsh')
    .addHelpText('after', examples(['source <(sbx completion bash)']))
    .action(action(() => import('./completion.js'), signal));

  program
    .command('help')
    .description('display help for a command')
    .argument('[command]', 'command to show help for')
    .action((name?: string) => helpFor(program, name));

  for (const c of program.commands) c.exitOverride().configureOutput({ outputError: () => undefined });
  return program;
}

function helpFor(program: Command, name: string | undefined): void {
  if (name === undefined) program.help();
  const sub = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
  if (!sub) throw new SbxError('USAGE', `unknown command ${JSON.stringify(name)}`, { hint: `commands: ${program.commands.map((c) => c.name()).join(', ')}` });
  sub.help();
}
