/** The lab's command line, as src/cli/main.ts runs it: from the bundle when the build made one. */
export async function runLab(argv: string[]): Promise<void> {
  await (await import('./program.js')).runProgram(argv);
}
