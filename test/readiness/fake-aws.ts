// The AWS calls readiness, the live gameday observer and failback make, on
// their wire protocols (Route 53 REST-XML, CloudWatch and SSM JSON RPC), so
// the SDK clients talk to it as they would to AWS. The state is plain data a
// test changes between reads (e.g. playing the failover function); failback's
// writes (UpdateHealthCheck, Enable/DisableAlarmActions, PutParameter) change it.
import { LocalServer, startLocalServer } from "../support/local-server";

export interface FakeAwsPair {
    healthCheckFqdn: Record<string, string>;
    /** Record sets of the zone: name (with trailing dot), type and failover role. */
    records: Array<{ name: string; type: string; failover: "PRIMARY" | "SECONDARY" }>;
    alarms: Record<string, { actionsEnabled: boolean; state?: "OK" | "ALARM" | "INSUFFICIENT_DATA" }>;
    parameters: Record<string, string>;
    /** GetHealthCheckStatus: each checker's StatusReport.Status, e.g. "Success: HTTP Status Code 200, OK" or "Failure: ...". */
    checkerStatus?: Record<string, string[]>;
    /** GetHostedZone: the zone's name and its DelegationSet name servers. */
    hostedZones?: Record<string, { name: string; nameServers: string[] }>;
}

export class FakeAwsReadiness {
    readonly calls: string[] = [];
    private server!: LocalServer;
    private constructor(readonly state: FakeAwsPair) {}

    static async start(state: FakeAwsPair): Promise<FakeAwsReadiness> {
        const f = new FakeAwsReadiness(state);
        f.server = await startLocalServer((req, res, body) => {
            const url = new URL(req.url ?? "/", "http://x");
            const target = String(req.headers["x-amz-target"] ?? "");
            const send = (status: number, type: string, text: string) => { res.writeHead(status, { "content-type": type, "x-amzn-requestid": "fake" }); res.end(text); };
            const xml = (text: string) => send(200, "text/xml", `<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
            const ns = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"';
            let m = /^\/2013-04-01\/healthcheck\/([^/]+)$/.exec(url.pathname);
            if (m && req.method === "GET") {
                f.calls.push("GetHealthCheck");
                const id = decodeURIComponent(m[1]);
                const fqdn = f.state.healthCheckFqdn[id];
                if (fqdn === undefined) { send(404, "text/xml", `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>NoSuchHealthCheck</Code><Message>No health check ${id}</Message></Error></ErrorResponse>`); return; }
                xml(`<GetHealthCheckResponse ${ns}><HealthCheck><Id>${id}</Id><CallerReference>fake</CallerReference><HealthCheckConfig><Port>443</Port><Type>HTTPS</Type><FullyQualifiedDomainName>${fqdn}</FullyQualifiedDomainName></HealthCheckConfig><HealthCheckVersion>1</HealthCheckVersion></HealthCheck></GetHealthCheckResponse>`);
                return;
            }
            if (m && req.method === "POST") {
                f.calls.push("UpdateHealthCheck");
                const id = decodeURIComponent(m[1]);
                if (f.state.healthCheckFqdn[id] === undefined) { send(404, "text/xml", `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>NoSuchHealthCheck</Code><Message>No health check ${id}</Message></Error></ErrorResponse>`); return; }
                const fqdn = /<FullyQualifiedDomainName>([^<]*)<\/FullyQualifiedDomainName>/.exec(body)?.[1];
                if (fqdn !== undefined) f.state.healthCheckFqdn[id] = fqdn;
                xml(`<UpdateHealthCheckResponse ${ns}><HealthCheck><Id>${id}</Id><CallerReference>fake</CallerReference><HealthCheckConfig><Port>443</Port><Type>HTTPS</Type><FullyQualifiedDomainName>${f.state.healthCheckFqdn[id]}</FullyQualifiedDomainName></HealthCheckConfig><HealthCheckVersion>2</HealthCheckVersion></HealthCheck></UpdateHealthCheckResponse>`);
                return;
            }
            m = /^\/2013-04-01\/healthcheck\/([^/]+)\/status$/.exec(url.pathname);
            if (m && req.method === "GET") {
                f.calls.push("GetHealthCheckStatus");
                const id = decodeURIComponent(m[1]);
                const st = f.state.checkerStatus?.[id];
                if (st === undefined) { send(404, "text/xml", `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>NoSuchHealthCheck</Code><Message>No health check ${id}</Message></Error></ErrorResponse>`); return; }
                const obs = st.map((s, i) => `<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.0.${i + 1}</IPAddress><StatusReport><Status>${s}</Status><CheckedTime>2026-12-03T12:00:00Z</CheckedTime></StatusReport></HealthCheckObservation>`).join("");
                xml(`<GetHealthCheckStatusResponse ${ns}><HealthCheckObservations>${obs}</HealthCheckObservations></GetHealthCheckStatusResponse>`);
                return;
            }
            m = /^\/2013-04-01\/hostedzone\/([^/]+)$/.exec(url.pathname);
            if (m && req.method === "GET") {
                f.calls.push("GetHostedZone");
                const id = decodeURIComponent(m[1]);
                const z = f.state.hostedZones?.[id];
                if (!z) { send(404, "text/xml", `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: ${id}</Message></Error></ErrorResponse>`); return; }
                const servers = z.nameServers.map(n => `<NameServer>${n}</NameServer>`).join("");
                xml(`<GetHostedZoneResponse ${ns}><HostedZone><Id>/hostedzone/${id}</Id><Name>${z.name}</Name><CallerReference>fake</CallerReference><ResourceRecordSetCount>4</ResourceRecordSetCount></HostedZone><DelegationSet><NameServers>${servers}</NameServers></DelegationSet></GetHostedZoneResponse>`);
                return;
            }
            m = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/.exec(url.pathname);
            if (m && req.method === "GET") {
                f.calls.push("ListResourceRecordSets");
                const sets = f.state.records.map(r => `<ResourceRecordSet><Name>${r.name}</Name><Type>${r.type}</Type><SetIdentifier>${r.failover.toLowerCase()}</SetIdentifier><Failover>${r.failover}</Failover><AliasTarget><HostedZoneId>Z3AADJGX6KTTL2</HostedZoneId><DNSName>lb.example.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>`).join("");
                xml(`<ListResourceRecordSetsResponse ${ns}><ResourceRecordSets>${sets}</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>20</MaxItems></ListResourceRecordSetsResponse>`);
                return;
            }
            if (target === "GraniteServiceVersion20100801.DescribeAlarms") {
                f.calls.push("DescribeAlarms");
                const names = (JSON.parse(body) as { AlarmNames?: string[] }).AlarmNames ?? [];
                const alarms = names.filter(n => f.state.alarms[n]).map(n => ({ AlarmName: n, ActionsEnabled: f.state.alarms[n].actionsEnabled, StateValue: f.state.alarms[n].state ?? "OK" }));
                send(200, "application/x-amz-json-1.0", JSON.stringify({ MetricAlarms: alarms, CompositeAlarms: [] }));
                return;
            }
            const actions = /^GraniteServiceVersion20100801\.(Enable|Disable)AlarmActions$/.exec(target);
            if (actions) {
                f.calls.push(`${actions[1]}AlarmActions`);
                // Like CloudWatch: unknown names are ignored, not an error.
                for (const n of (JSON.parse(body) as { AlarmNames?: string[] }).AlarmNames ?? []) if (f.state.alarms[n]) f.state.alarms[n].actionsEnabled = actions[1] === "Enable";
                send(200, "application/x-amz-json-1.0", "{}");
                return;
            }
            if (target === "AmazonSSM.PutParameter") {
                f.calls.push("PutParameter");
                const p = JSON.parse(body) as { Name: string; Value: string; Overwrite?: boolean };
                if (f.state.parameters[p.Name] !== undefined && !p.Overwrite) { send(400, "application/x-amz-json-1.1", JSON.stringify({ __type: "ParameterAlreadyExists", message: "The parameter already exists." })); return; }
                f.state.parameters[p.Name] = p.Value;
                send(200, "application/x-amz-json-1.1", JSON.stringify({ Version: 2, Tier: "Standard" }));
                return;
            }
            if (target === "AmazonSSM.GetParameter") {
                f.calls.push("GetParameter");
                const name = (JSON.parse(body) as { Name: string }).Name;
                const v = f.state.parameters[name];
                if (v === undefined) { send(400, "application/x-amz-json-1.1", JSON.stringify({ __type: "ParameterNotFound", message: `Parameter ${name} not found.` })); return; }
                send(200, "application/x-amz-json-1.1", JSON.stringify({ Parameter: { Name: name, Type: "String", Value: v, Version: 1 } }));
                return;
            }
            send(400, "application/json", JSON.stringify({ __type: "UnknownOperationException", message: `not faked: ${req.method} ${url.pathname} ${target}` }));
        });
        return f;
    }

    get url(): string { return this.server.url; }
    stop(): Promise<void> { return this.server.stop(); }
}
