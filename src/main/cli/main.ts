import { runCli } from './cli';
import { ProcessOutput } from './output';

const output = new ProcessOutput();
void runCli(process.argv.slice(2), output).then(async (code) => {
  await output.flush();
  process.exitCode = code;
});
