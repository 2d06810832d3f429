import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config/load";
import { createStack } from "./components/stack";

const config = loadConfig(pulumi.runtime.allConfig(), pulumi.getStack(), pulumi.getProject());

export = createStack(config);
