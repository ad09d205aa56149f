/** `ot3c completion bash|zsh|fish`: print a completion script generated from the command tree. */
import { Argument, type Command } from "commander";

export function register(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script (bash: source <(ot3c completion bash); fish: ot3c completion fish | source)")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .action(async (shell: "bash" | "zsh" | "fish") => {
      const [{ completionScript }, { buildProgram }] = await Promise.all([import("../completion.ts"), import("../program.ts")]);
      process.stdout.write(completionScript(buildProgram(), shell));
    });
}
