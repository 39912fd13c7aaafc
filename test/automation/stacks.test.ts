import * as assert from "assert";
import { discoverStacks, selectStacks } from "../../automation/stacks";
import { ROOT } from "../support/driverFakes";

const SHIPPED = discoverStacks(ROOT);

describe("automation/stacks", () => {
    it("finds every shipped Pulumi.<stack>.yaml", () => {
        assert.deepStrictEqual(SHIPPED, ["dev", "prod", "staging"]);
    });

    it("selects named stacks in the order given", () => {
        assert.deepStrictEqual(selectStacks(SHIPPED, "staging,dev"), ["staging", "dev"]);
    });

    it("lists the known stacks for an unknown name", () => {
        assert.throws(
            () => selectStacks(SHIPPED, "dev,qa"),
            /--env: unknown stack "qa"; known stacks: dev, prod, staging/,
        );
    });
});
