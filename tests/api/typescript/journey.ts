// A journey written against the types openapi-typescript generates from /api/schema/ (default
// options), compiled with `tsc --strict` and run by tests/api/test_generated_client.py against
// a live server. A field the schema leaves optional or types loosely fails the compilation.
import type { components, paths } from "./schema";

declare const process: { env: Record<string, string | undefined>; exit(code: number): never };

type Schemas = components["schemas"];
type SeizureFilters = NonNullable<paths["/api/v1/seizures/"]["get"]["parameters"]["query"]>;

const base = process.env.BASE_URL ?? "";

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; data: T }> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token !== null) headers["Authorization"] = `Bearer ${token}`;
  const answer = await fetch(path.startsWith("http") ? path : base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await answer.text();
  return { status: answer.status, data: (text ? JSON.parse(text) : null) as T };
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function signIn(email: string): Promise<string> {
  const body: Schemas["LoginRequest"] = { email, password: process.env.PASSWORD ?? "" };
  const answer = await call<Schemas["Token"]>("POST", "/api/v1/auth/login/", null, body);
  check(answer.status === 200, `sign-in answered ${answer.status}`);
  return answer.data.token;
}

async function main(): Promise<void> {
  const token = await signIn(process.env.OFFICER ?? "");
  const me = await call<Schemas["Me"]>("GET", "/api/v1/me/", token);
  const agency: Schemas["AgencyBrief"] | null = me.data.agency;
  check(agency !== null && agency.code === "KCS", "me: the officer's agency");

  const filters: SeizureFilters = { drug: "methamphetamine", page_size: 2 };
  let next: string | null = `/api/v1/seizures/?drug=${filters.drug}&page_size=${filters.page_size}`;
  const seen: string[] = [];
  while (next !== null) {
    const page: { status: number; data: Schemas["PaginatedSeizureList"] } = await call("GET", next, token);
    check(page.status === 200, `list answered ${page.status}`);
    for (const seizure of page.data.results) seen.push(seizure.reference);
    next = page.data.next;
  }
  check(seen.length === 3, `three seizures listed, got ${seen.length}`);

  const draft: Schemas["SeizureRequest"] = {
    occurred_at: "2026-03-01T10:00:00+09:00",
    transport_mode: "sea_container",
    detection_method: "xray",
    origin_country: "TH",
    destination_country: "KR",
    items: [{ drug: "methamphetamine", quantity: "12.5", unit: "kg" }],
    identifiers: [{ kind: "container", value: "MSCU1234566" }],
  };
  const created = await call<Schemas["Seizure"]>("POST", "/api/v1/seizures/", token, draft);
  check(created.status === 201, `create answered ${created.status}`);
  const normalized: string[] = created.data.identifiers.map((identifier) => identifier.normalized);
  const submitted = await call<Schemas["Seizure"]>("POST", `/api/v1/seizures/${created.data.id}/submit/`, token);
  check(submitted.status === 200 && submitted.data.status === "submitted", "submitted");

  const partner = await signIn(process.env.PARTNER ?? "");
  const alerts = await call<Schemas["PaginatedAlertList"]>("GET", "/api/v1/alerts/?unacknowledged=true", partner);
  const alert = alerts.data.results.find((a) => a.seizure === created.data.id);
  check(alert !== undefined && alert.kind === "seizure_notice", "the partner's alert");
  const acknowledgedBy: Schemas["AlertUserRef"] | null = alert.deliveries[0].acknowledged_by;
  check(acknowledgedBy === null, "not acknowledged yet");
  console.log(JSON.stringify({ listed: seen.length, created: created.data.reference, normalized }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
