// The Pulumi program: configuration -> components -> stack outputs (program.ts has the one door).
import { runProgram } from "./program";
import { skipPromiseTraces } from "./runtime/stackTraces";

skipPromiseTraces();

export = runProgram();
