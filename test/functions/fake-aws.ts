// A local stand-in for the four AWS APIs the failover Lambda calls, speaking
// each one's wire protocol (Route 53 REST-XML, CloudWatch and SSM JSON RPC,
// Lambda REST-JSON), so the serialized function can run unmodified in a child
// process with AWS_ENDPOINT_URL pointing here. The EKS API server is not
// looked up: its endpoint and CA come in the function's environment.
import * as http from "http";
import { LocalServer, startLocalServer } from "../support/local-server";

export interface FakeAwsState {
    /** Route 53 checker verdict per health check id. */
    healthy: Record<string, boolean>;
    /** Minutes the primary's HealthCheckStatus has been 0, ending at the last full minute. */
    failingMinutes: number;
    /** SSM parameter values by name. */
    parameters: Record<string, string>;
    /** CloudWatch alarm states by name, as SetAlarmState leaves them. */
    alarms: Record<string, string>;
}

export interface FakeAwsCall {
    service: "route53" | "cloudwatch" | "ssm" | "lambda";
    operation: string;
    path: string;
    body: string;
}

export class FakeAws {
    readonly calls: FakeAwsCall[] = [];
    url = "";
    private server!: LocalServer;

    private constructor(readonly state: FakeAwsState) {}

    static async start(state: FakeAwsState): Promise<FakeAws> {
        const aws = new FakeAws(state);
        aws.server = await startLocalServer((req, res, raw) => aws.handle(req, res, raw));
        aws.url = aws.server.url;
        return aws;
    }

    stop(): Promise<void> {
        return this.server.stop();
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
        const path = (req.url ?? "/").split("?")[0];
        const target = String(req.headers["x-amz-target"] ?? "");
        const send = (status: number, contentType: string, text: string) => {
            res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), "x-amzn-requestid": "fake" });
            res.end(text);
        };
        const json = (status: number, value: unknown, type = "application/x-amz-json-1.1") => send(status, type, JSON.stringify(value));

        const m = /^\/2013-04-01\/healthcheck\/([^/]+)(\/status)?$/.exec(path);
        if (m) {
            const id = decodeURIComponent(m[1]);
            if (m[2] && req.method === "GET") {
                this.calls.push({ service: "route53", operation: "GetHealthCheckStatus", path, body });
                const status = this.state.healthy[id] ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out.";
                const observations = [1, 2, 3].map(i =>
                    `<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.0.${i}</IPAddress>` +
                    `<StatusReport><Status>${status}</Status><CheckedTime>2025-01-15T12:00:00.000Z</CheckedTime></StatusReport></HealthCheckObservation>`).join("");
                send(200, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>\n<GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheckObservations>${observations}</HealthCheckObservations></GetHealthCheckStatusResponse>`);
                return;
            }
            if (!m[2] && req.method === "POST") {
                this.calls.push({ service: "route53", operation: "UpdateHealthCheck", path, body });
                const fqdn = /<FullyQualifiedDomainName>([^<]*)<\/FullyQualifiedDomainName>/.exec(body)?.[1] ?? "";
                send(200, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>\n<UpdateHealthCheckResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HealthCheck><Id>${id}</Id><CallerReference>fake</CallerReference><HealthCheckConfig><Port>443</Port><Type>HTTPS</Type><FullyQualifiedDomainName>${fqdn}</FullyQualifiedDomainName></HealthCheckConfig><HealthCheckVersion>2</HealthCheckVersion></HealthCheck></UpdateHealthCheckResponse>`);
                return;
            }
        }
        if (target === "GraniteServiceVersion20100801.GetMetricStatistics") {
            this.calls.push({ service: "cloudwatch", operation: "GetMetricStatistics", path, body });
            // The newest minute ends 10 s ago, inside the holdoff's gap allowance (HOLDOFF_GAP_SECONDS), so the
            // function joins it to its live reading whatever second of the minute the test runs in. Real
            // minutes sit on the minute grid and publish later; the drill models that (scripts/drill/aws.ts).
            const newest = Date.now() - 10_000 - 60_000;
            const datapoints = Array.from({ length: this.state.failingMinutes }, (_, i) => ({ Timestamp: (newest - i * 60_000) / 1000, Maximum: 0, Unit: "None" }));
            json(200, { Label: "HealthCheckStatus", Datapoints: datapoints }, "application/x-amz-json-1.0");
            return;
        }
        if (target === "GraniteServiceVersion20100801.SetAlarmState") {
            this.calls.push({ service: "cloudwatch", operation: "SetAlarmState", path, body });
            const input = JSON.parse(body) as { AlarmName: string; StateValue: string };
            this.state.alarms[input.AlarmName] = input.StateValue;
            json(200, {}, "application/x-amz-json-1.0");
            return;
        }
        if (target === "AmazonSSM.GetParameter") {
            this.calls.push({ service: "ssm", operation: "GetParameter", path, body });
            const name = (JSON.parse(body) as { Name: string }).Name;
            const value = this.state.parameters[name];
            if (value === undefined) {
                json(400, { __type: "ParameterNotFound", message: `Parameter ${name} not found.` });
                return;
            }
            json(200, { Parameter: { Name: name, Type: "String", Value: value, Version: 1 } });
            return;
        }
        if (target === "AmazonSSM.PutParameter") {
            this.calls.push({ service: "ssm", operation: "PutParameter", path, body });
            const input = JSON.parse(body) as { Name: string; Value: string };
            this.state.parameters[input.Name] = input.Value;
            json(200, { Version: 2, Tier: "Standard" });
            return;
        }
        if (/^\/2015-03-31\/functions\/[^/]+\/invocations$/.test(path)) {
            this.calls.push({ service: "lambda", operation: "Invoke", path, body });
            send(202, "application/json", "");
            return;
        }
        json(400, { __type: "UnknownOperationException", message: `fake AWS does not implement ${req.method} ${path} ${target}` }, "application/json");
    }
}
