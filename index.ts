// The Pulumi program: configuration -> components -> stack outputs (program.ts has the one door).
import { runProgram } from "./program";

// A function, not the running program's promise: the SDK's run harness (@pulumi/pulumi
// cmd/run/run.js, `runProgram`) awaits file-system checks between require() and awaiting the
// export, so a promise that failed at once (a configuration error) was reported as unhandled and
// then handled late (PromiseRejectionHandledWarning). An exported function is called right where
// its result is awaited.
export = () => runProgram();
