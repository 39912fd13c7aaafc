/** A relaunch source as the aws provider's getInstance reports it, shared by the relaunch tests. */
export const SOURCE_ID = "i-0123456789abcdef0";
export const REPLACEMENT_ID = "i-0fedcba9876543210";

/** The source as the provider's getInstance reports it. */
export const DESCRIBED = {
    id: SOURCE_ID,
    instanceId: SOURCE_ID,
    instanceType: "t3.small",
    subnetId: "subnet-0aaaaaaaaaaaaaaaa",
    vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
    keyName: "ops",
    monitoring: true,
    ebsOptimized: true,
    tenancy: "default",
    placementGroup: "",
    associatePublicIpAddress: true,
    sourceDestCheck: false,
    metadataOptions: [
        { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 3 },
    ],
    creditSpecifications: [{ cpuCredits: "unlimited" }],
    userDataBase64: "IyEvYmluL3NoCmVjaG8gaGk=",
    disableApiStop: true,
    disableApiTermination: true,
    iamInstanceProfile: "",
    tags: { Name: "web-1", team: "web", "aws:cloudformation:stack-name": "legacy" },
};
