/**
 * patches/@pulumi+pulumi+*.patch (applied by `npm ci`'s postinstall) makes the SDK load closure
 * serialization on first use instead of on every `import "@pulumi/pulumi"`: it pulls in
 * typescript and @npmcli/arborist, about 0.6 s of every Node process the project starts.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import "../program";

const CLOSURE_MODULES =
    /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]closure[\\/](codePaths|serializeClosure)\.js$|[\\/]@npmcli[\\/]arborist[\\/]/;

describe("Pulumi SDK start-up (patched)", () => {
    it("loads the SDK and the program without closure serialization", () => {
        const eager = Object.keys(require.cache).filter((f) => CLOSURE_MODULES.test(f));
        assert.deepStrictEqual(
            eager,
            [],
            "closure serialization was loaded eagerly: run `npm ci` (its postinstall applies patches/)",
        );
    });

    it("still offers serializeFunction and computeCodePaths, loaded on first use", () => {
        for (const name of ["serializeFunction", "serializeFunctionAsync", "computeCodePaths"]) {
            const descriptor = Object.getOwnPropertyDescriptor(pulumi.runtime, name);
            assert.ok(descriptor?.get, `${name} is not a lazy getter`);
            assert.ok(descriptor.enumerable, `${name} is not enumerable`);
        }
    });
});
