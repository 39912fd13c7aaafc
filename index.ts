// The Pulumi program: configuration -> components -> stack outputs.
import { loadStackConfig } from "./config";
import { declareStack } from "./program";

export = loadStackConfig().then(declareStack);
