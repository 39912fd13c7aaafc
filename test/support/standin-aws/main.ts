import * as provider from "@pulumi/pulumi/provider";
import { StandInAws } from "./provider";

void provider.main(new StandInAws(), process.argv.slice(2));
