/**
 * Shell completion scripts for bash, zsh and fish, generated from the commander program itself, so a new command
 * or flag completes without anyone editing a script. Subcommands (`chargeback export`) and `--output` values are
 * completed; files are left to the shell's default completion.
 */
import type { Command, Option } from "commander";

export type Shell = "bash" | "zsh" | "fish";
export const SHELLS: Shell[] = ["bash", "zsh", "fish"];

interface Spec {
  path: string[];
  subcommands: string[];
  flags: Array<{ long?: string; short?: string; choices?: readonly string[]; takesValue: boolean; description: string }>;
}

function flagsOf(options: readonly Option[]): Spec["flags"] {
  return options
    .filter((o) => !(o as Option & { hidden?: boolean }).hidden)
    .map((o) => ({
      long: o.long ?? undefined,
      short: o.short ?? undefined,
      choices: (o as Option & { argChoices?: string[] }).argChoices,
      takesValue: o.required || o.optional,
      description: o.description,
    }));
}

function specs(program: Command): Spec[] {
  const out: Spec[] = [];
  const walk = (cmd: Command, path: string[], inherited: Spec["flags"]) => {
    const flags = [...inherited, ...flagsOf(cmd.options)];
    out.push({ path, subcommands: cmd.commands.map((c) => c.name()), flags });
    for (const c of cmd.commands) walk(c, [...path, c.name()], path.length === 0 ? flagsOf(cmd.options) : inherited);
  };
  walk(program, [], []);
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const name = program.name();
  const cases = specs(program)
    .map((s) => {
      const words = [...s.subcommands, ...s.flags.flatMap((f) => [f.long, f.short].filter(Boolean) as string[])];
      const values = s.flags
        .filter((f) => f.choices)
        .map((f) => `      ${[f.long, f.short].filter(Boolean).join("|")}) COMPREPLY=($(compgen -W ${q(f.choices!.join(" "))} -- "$cur")); return;;`)
        .join("\n");
      return `    ${q(s.path.join(" "))})\n      case "$prev" in\n${values}\n      esac\n      COMPREPLY=($(compgen -W ${q(words.join(" "))} -- "$cur"));;`;
    })
    .join("\n");
  return `# bash completion for ${name}; load with: source <(${name} completion bash)
_${name}_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" w i
  local -a known=(${specs(program)
    .filter((s) => s.path.length > 0)
    .map((s) => q(s.path.join(" ")))
    .join(" ")})
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    local try="\${path:+$path }$w" k
    for k in "\${known[@]}"; do [[ "$k" == "$try" ]] && path="$try" && break; done
  done
  case "$path" in
${cases}
  esac
  [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _${name}_complete ${name}
`;
}

function zsh(program: Command): string {
  const name = program.name();
  // zsh runs bash completion functions through bashcompinit: one generator, the same behaviour in both shells.
  return `#compdef ${name}
# zsh completion for ${name}; load with: source <(${name} completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(program).replace(/^# bash completion.*\n/, "")}`;
}

function fish(program: Command): string {
  const name = program.name();
  const lines = [`# fish completion for ${name}; load with: ${name} completion fish | source`, `complete -c ${name} -f`];
  for (const s of specs(program)) {
    const cond =
      s.path.length === 0
        ? `__fish_use_subcommand`
        : `__fish_seen_subcommand_from ${s.path[s.path.length - 1]}`;
    for (const sub of s.subcommands) lines.push(`complete -c ${name} -n ${q(cond)} -a ${q(sub)}`);
    for (const f of s.flags) {
      const parts = [`complete -c ${name} -n ${q(cond)}`];
      if (f.long) parts.push(`-l ${f.long.replace(/^--/, "")}`);
      if (f.short) parts.push(`-s ${f.short.replace(/^-/, "")}`);
      if (f.takesValue) parts.push(f.choices ? `-x -a ${q(f.choices.join(" "))}` : "-r -F");
      parts.push(`-d ${q(f.description.slice(0, 60))}`);
      lines.push(parts.join(" "));
    }
  }
  return lines.join("\n") + "\n";
}

export function completionScript(program: Command, shell: Shell): string {
  return shell === "bash" ? bash(program) : shell === "zsh" ? zsh(program) : fish(program);
}
