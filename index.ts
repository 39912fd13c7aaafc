// The Pulumi program: configuration -> components -> stack outputs.
import { loadStackConfig } from "./config";
import { declareStack } from "./program";
import { skipPromiseTraces } from "./runtime/stackTraces";

skipPromiseTraces();

export = loadStackConfig().then(declareStack);
