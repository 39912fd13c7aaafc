/** The STS calls of the caller-identity lookup, from terraform-provider-aws. */
import { Row } from "./targets";

export const STS_LOOKUP_CALLS: Record<string, Row> = {
    // GetCallerIdentity needs no permission ("No permissions are required to perform this
    // operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    "aws:index/getCallerIdentity:getCallerIdentity": {
        source: "internal/service/sts/caller_identity_data_source.go",
        grants: [],
    },
};
