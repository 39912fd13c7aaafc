import * as provider from "@pulumi/pulumi/provider";
import { createRequire } from "module";
import { StandInAws } from "./provider";

const standIn = new StandInAws();

/**
 * The Node.js provider SDK answers Configure itself and drops the configuration
 * (@pulumi/pulumi provider/server.js, Server.configure). The stand-in needs it, as the real
 * provider does, so it reads the request's variables before the SDK answers. (gRPC is the SDK's
 * own dependency: loaded from where the SDK loads it, so this is the server class it uses.)
 */
const grpc: typeof import("@grpc/grpc-js") = createRequire(require.resolve("@pulumi/pulumi"))(
    "@grpc/grpc-js",
);
type Call = { request: { getVariablesMap(): { toObject(): [string, string][] } } };
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
    const impl = implementation as Record<string, (call: Call, callback: unknown) => void>;
    const configure = impl.configure.bind(impl);
    impl.configure = (call, callback) => {
        standIn.configure(Object.fromEntries(call.request.getVariablesMap().toObject()));
        configure(call, callback);
    };
    return addService.call(this, service, implementation);
};

void provider.main(standIn, process.argv.slice(2));
