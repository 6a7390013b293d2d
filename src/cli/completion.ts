import { SbxError } from '../errors.js';
import type { Command } from 'commander';
import type { Ctx } from './context.js';

/** `cmd` is this command as commander parsed it; its parent is the whole program, whose commands are completed. */
export async function run(ctx: Ctx, shell: string, _flags: unknown, cmd: Command): Promise<void> {
  const program = cmd.parent!;
  const commands = program.commands.map((c) => c.name());
  const flagsOf = (name: string) =>
    program.commands
      .find((c) => c.name() === name)!
      .options.flatMap((o) => [o.short, o.long].filter(Boolean) as string[]);
  const globals = program.options.flatMap((o) => [o.short, o.long].filter(Boolean) as string[]);
  if (shell === 'bash') {
    const cases = commands.map((c) => `    ${c}) opts="${[...flagsOf(c), ...globals].join(' ')}" ;;`).join('\n');
    ctx.print(`# bash completion for sbx; load with: source <(sbx completion bash)
_sbx() {
  local cur cmd opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${commands.join(' ')} ${globals.join(' ')}" -- "$cur") ); return
  fi
  case "$cmd" in
${cases}
  esac
  case "$cmd" in
    get|logs|exec|delete)
      if [[ "$cur" != -* ]]; then COMPREPLY=( $(compgen -W "$(sbx ls -q 2>/dev/null)" -- "$cur") ); return; fi ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -F _sbx sbx`);
    return;
  }
  if (shell === 'zsh') {
    const lines = commands.map((c) => `    '${c}:${program.commands.find((x) => x.name() === c)!.description().replace(/'/g, '')}'`).join('\n');
    ctx.print(`#compdef sbx
# zsh completion for sbx; load with: source <(sbx completion zsh)
_sbx() {
  local -a commands
  commands=(
${lines}
  )
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case "$words[2]" in
    get|logs|exec|delete) compadd -- $(sbx ls -q 2>/dev/null) ;;
    *) _files ;;
  esac
}
compdef _sbx sbx`);
    return;
  }
  throw new SbxError('USAGE', `unsupported shell "${shell}" (use bash or zsh)`);
}
