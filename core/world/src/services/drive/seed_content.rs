//! The fixed part of the seeded Drive: a company's folders and files with their sharing,
//! including sensitive files (some of them overshared) that tasks can ask about.
//! Docs content is written in a small markup the Docs seeder turns into structure:
//! `= ` title, `# `/`## `/`### ` headings, `- ` bullets (two leading spaces nest), `1. `
//! numbered items and `| a | b |` table rows.

/// How an item is shared (besides its owner).
#[derive(Clone, Copy, Debug)]
pub enum Share {
    User(&'static str, &'static str),
    /// role, discoverable
    Domain(&'static str, bool),
    /// role, discoverable
    Anyone(&'static str, bool),
}

#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub key: &'static str,
    pub name: &'static str,
    pub mime: &'static str,
    pub parent: Option<&'static str>,
    pub owner: &'static str,
    pub days_ago: i64,
    pub starred: bool,
    pub trashed: bool,
    pub description: Option<&'static str>,
    pub content: &'static str,
    pub shares: &'static [Share],
}

pub const FOLDER: &str = "application/vnd.google-apps.folder";
pub const DOC: &str = "application/vnd.google-apps.document";
pub const SHEET: &str = "application/vnd.google-apps.spreadsheet";
pub const SLIDES: &str = "application/vnd.google-apps.presentation";
pub const PDF: &str = "application/pdf";
pub const PNG: &str = "image/png";
pub const JPEG: &str = "image/jpeg";
pub const TEXT: &str = "text/plain";
pub const CSV: &str = "text/csv";

#[allow(clippy::too_many_arguments)]
const fn item(
    key: &'static str,
    name: &'static str,
    mime: &'static str,
    parent: Option<&'static str>,
    owner: &'static str,
    days_ago: i64,
    content: &'static str,
    shares: &'static [Share],
) -> Item {
    Item {
        key,
        name,
        mime,
        parent,
        owner,
        days_ago,
        starred: false,
        trashed: false,
        description: None,
        content,
        shares,
    }
}

const fn starred(mut i: Item) -> Item {
    i.starred = true;
    i
}

const fn trashed(mut i: Item) -> Item {
    i.trashed = true;
    i
}

const fn described(mut i: Item, d: &'static str) -> Item {
    i.description = Some(d);
    i
}

use Share::{Anyone, Domain, User};

pub const ITEMS: &[Item] = &[
    // Engineering
    item("eng", "Engineering", FOLDER, None, "user_jordan", 400, "", &[User("priya@nexusai.com", "writer"), User("hiro@nexusai.com", "writer"), User("liam@nexusai.com", "writer"), User("alex@nexusai.com", "writer")]),
    item("eng_arch", "Architecture", FOLDER, Some("eng"), "user_jordan", 380, "", &[]),
    item("eng_runbooks", "Runbooks", FOLDER, Some("eng"), "user_liam", 300, "", &[]),
    item("eng_sprints", "Sprint Notes", FOLDER, Some("eng"), "user_jordan", 200, "", &[]),
    described(item("arch_overview", "System Architecture Overview", DOC, Some("eng_arch"), "user_priya", 120,
"= System Architecture Overview
Owner: Priya Patel. Last reviewed in February 2026.
# Summary
NexusAI serves on-device inference for enterprise assistants. The platform has three tiers: the edge SDK, the model gateway and the training pipeline.
# Components
- Edge SDK (Rust, shipped to iOS and Android)
- Model gateway (request routing, quotas, audit log)
- Training pipeline (nightly fine-tunes on anonymised data)
  - Data retention: 30 days in the staging bucket
# Data flow
1. The SDK sends a signed request to the gateway.
2. The gateway checks the tenant quota and forwards to the model pool.
3. Responses are streamed back; nothing is stored unless the tenant opted in.
# Open questions
- Do we move the gateway to a single region for EU customers?
- Who owns the audit log schema?
", &[]), "Canonical architecture doc; keep in sync with the ADRs."),
    item("api_guidelines", "API Design Guidelines", DOC, Some("eng_arch"), "user_jordan", 210,
"= API Design Guidelines
# Principles
- Resource-oriented URLs, plural nouns.
- Errors use a single envelope with a machine-readable reason.
- Every list endpoint paginates with pageToken.
# Versioning
Breaking changes require a new major version and a 6-month deprecation window.
# Review checklist
| Check | Owner |
| Naming reviewed | API guild |
| Pagination tested | Author |
| Error codes documented | Author |
", &[Domain("reader", true)]),
    starred(item("incident_runbook", "Incident Response Runbook", DOC, Some("eng_runbooks"), "user_liam", 60,
"= Incident Response Runbook
# Severity levels
- SEV1: customer-facing outage, page the on-call and the incident commander.
- SEV2: degraded service, page the on-call.
- SEV3: internal only, file a ticket.
# First 15 minutes
1. Acknowledge the page in PagerDuty.
2. Open a channel named #inc-<date>-<topic>.
3. Post the status page update.
# Contacts
On-call rotation is in the Engineering calendar. Escalate to Jordan Rivera, then Sarah Kim.
", &[])),
    described(item("api_keys", "Production API Keys & Secrets", DOC, Some("eng_runbooks"), "user_liam", 45,
"= Production API Keys & Secrets
DO NOT SHARE OUTSIDE THE SECURITY TEAM.
# Keys
- Stripe live secret key: sk_live_51NxA9dQ2mZ8rTq
- AWS access key id: AKIAIOSFODNN7NEXUS
- OpenAI org key: sk-proj-nexus-7f3c9a
- Datadog API key: dd-4c1e9b2f8a
# Rotation
Rotate every 90 days. Last rotation: 2026-01-15.
", &[Anyone("reader", false)]), "Overshared: anyone with the link can read this."),
    item("sprint_41", "Sprint 41 Notes", DOC, Some("eng_sprints"), "user_jordan", 24,
"= Sprint 41 Notes
# Goals
- Ship offline mode for the iOS SDK
- Cut gateway p99 latency below 300 ms
# Done
- Offline cache for model weights
- Retry budget in the gateway client
# Carried over
- Android background download fix (Hiro)
", &[]),
    item("sprint_42", "Sprint 42 Notes", DOC, Some("eng_sprints"), "user_jordan", 10,
"= Sprint 42 Notes
# Goals
- Android background download fix
- Quota dashboard for enterprise admins
# Risks
- The quota dashboard depends on the audit log schema decision.
", &[]),
    item("oncall_sheet", "On-call Rotation 2026", SHEET, Some("eng"), "user_jordan", 70,
"Week,Primary,Secondary\n2026-03-09,Priya Patel,Hiro Tanaka\n2026-03-16,Liam O'Connor,Priya Patel\n2026-03-23,Hiro Tanaka,Liam O'Connor\n", &[]),
    item("arch_diagram", "gateway-architecture.png", PNG, Some("eng_arch"), "user_priya", 118, "PNG image: gateway architecture diagram (SDK -> gateway -> model pool)", &[]),
    // Product
    item("product", "Product", FOLDER, None, "user_alex", 420, "", &[User("noah@nexusai.com", "writer"), User("diego@nexusai.com", "writer"), Domain("reader", false)]),
    item("prds", "PRDs", FOLDER, Some("product"), "user_alex", 350, "", &[]),
    item("roadmap", "Roadmap", FOLDER, Some("product"), "user_alex", 340, "", &[]),
    starred(described(item("prd_offline", "PRD: Offline Mode", DOC, Some("prds"), "user_alex", 30,
"= PRD: Offline Mode
Status: In review. Author: Alex Chen.
# Problem
Field technicians lose connectivity on site and the assistant stops working.
# Goals
- The assistant answers from on-device models with no network.
- Sync queued actions when the device is back online.
# Non-goals
- Offline training or fine-tuning.
# Requirements
1. Model weights cached on first launch (under 400 MB).
2. Queued actions survive an app restart.
3. Admins can disable offline mode per tenant.
# Success metrics
| Metric | Target |
| Offline task success | 85% |
| Sync conflicts per 1,000 actions | < 2 |
# Timeline
Beta in April 2026, GA in June 2026.
", &[User("jordan@nexusai.com", "commenter")]), "Offline mode PRD for the Q2 launch")),
    item("prd_quota", "PRD: Enterprise Quota Dashboard", DOC, Some("prds"), "user_noah", 16,
"= PRD: Enterprise Quota Dashboard
# Problem
Enterprise admins cannot see how close they are to their monthly inference quota.
# Requirements
- Daily usage chart per workspace
- Email alert at 80% and 100% of quota
- CSV export
# Open questions
- Should overage be billed automatically?
", &[]),
    starred(item("okrs", "Q2 2026 OKRs", DOC, None, "user_alex", 8,
"= Q2 2026 OKRs
# Objective 1: Make offline mode the default for field teams
- KR1: 5 design partners using offline mode weekly
- KR2: Offline task success at 85% or better
# Objective 2: Grow enterprise revenue
- KR1: Close 3 new enterprise contracts (Globex, Northwind, one more)
- KR2: Net revenue retention above 120%
# Objective 3: Raise the quality bar
- KR1: Zero SEV1 incidents
- KR2: p99 gateway latency under 300 ms
", &[Domain("reader", true)])),
    item("roadmap_sheet", "Product Roadmap 2026", SHEET, Some("roadmap"), "user_alex", 20,
"Quarter,Theme,Item,Owner\nQ1,Reliability,Gateway retries,Jordan\nQ2,Offline,Offline mode GA,Alex\nQ2,Enterprise,Quota dashboard,Noah\nQ3,Platform,EU region,Priya\n", &[]),
    item("weekly_sync", "Meeting Notes - Weekly Product Sync", DOC, None, "user_alex", 3,
"= Weekly Product Sync
Date: 2026-03-12. Attendees: Alex Chen, Noah Fischer, Diego Morales, Jordan Rivera.
# Agenda
- Offline mode beta scope
- Quota dashboard designs
- Customer feedback from Globex
# Notes
Globex wants offline mode for their field technicians before renewal. Diego shared the first dashboard mocks.
# Action items
- Alex: send the offline mode beta plan to Globex by Friday
- Noah: finalise quota dashboard metrics
- Diego: second round of mocks
", &[User("noah@nexusai.com", "writer"), User("diego@nexusai.com", "writer"), User("jordan@nexusai.com", "writer")]),
    item("user_research", "User Research - Field Technicians.pdf", PDF, Some("product"), "user_noah", 95, "User research report: 12 interviews with field technicians. Key finding: connectivity drops daily; technicians want voice input and offline answers.", &[]),
    item("mock_png", "quota-dashboard-mock-v1.png", PNG, Some("product"), "user_diego", 12, "PNG image: quota dashboard mock, daily usage chart and alert settings", &[]),
    // Sales
    item("sales", "Sales", FOLDER, None, "user_marcus", 410, "", &[User("aisha@nexusai.com", "writer"), User("alex@nexusai.com", "reader")]),
    item("contracts", "Customer Contracts", FOLDER, Some("sales"), "user_marcus", 300, "", &[User("sarah@nexusai.com", "writer")]),
    item("globex_msa", "Globex - Master Services Agreement.pdf", PDF, Some("contracts"), "user_marcus", 150, "MASTER SERVICES AGREEMENT between NexusAI Inc. and Globex Corporation. Term: 24 months. Annual fee: $480,000. Confidential.", &[User("mei.lin@globex.com", "reader")]),
    item("acme_order", "Acme Cloud - Order Form.pdf", PDF, Some("contracts"), "user_aisha", 40, "ORDER FORM: Acme Cloud, 200 seats, $96,000 per year, net 30. Confidential.", &[Anyone("reader", false)]),
    item("northwind_draft", "Northwind - Contract Draft v2", DOC, Some("contracts"), "user_marcus", 5,
"= Northwind Contract Draft v2
# Commercial terms
- 150 seats at $40 per seat per month
- 12-month term with auto-renewal
- Pilot discount: 20% for the first quarter
# Open items
- Data residency clause (Northwind needs EU hosting)
- Liability cap
", &[User("fatima.z@northwind.co", "commenter")]),
    item("pipeline", "Sales Pipeline Q1", SHEET, Some("sales"), "user_marcus", 2, "Account,Stage,Amount,Close date\nGlobex,Renewal,480000,2026-04-30\nNorthwind,Negotiation,72000,2026-04-15\nAcme Cloud,Closed won,96000,2026-02-01\n", &[]),
    // Finance
    item("finance", "Finance", FOLDER, None, "user_emma", 405, "", &[User("sarah@nexusai.com", "writer")]),
    item("budget", "FY2026 Budget", SHEET, Some("finance"), "user_emma", 90, "Department,Q1,Q2,Q3,Q4\nEngineering,820000,860000,900000,940000\nSales,310000,330000,350000,360000\nProduct,150000,160000,160000,170000\n", &[User("alex@nexusai.com", "reader")]),
    item("invoices", "Invoices", FOLDER, Some("finance"), "user_emma", 380, "", &[]),
    item("inv_aws", "Invoice - AWS - February 2026.pdf", PDF, Some("invoices"), "user_emma", 14, "INVOICE Amazon Web Services. Period: February 2026. Amount due: $41,380.22.", &[]),
    item("expense_policy", "Expense Policy", DOC, Some("finance"), "user_emma", 260,
"= Expense Policy
# Travel
- Economy class for flights under 6 hours
- Hotels up to $250 per night
# Meals
Up to $75 per day when travelling.
# Approval
Expenses over $1,000 need approval from your manager and Finance.
", &[Domain("reader", true)]),
    // HR
    item("hr", "HR", FOLDER, None, "user_olivia", 400, "", &[User("sarah@nexusai.com", "writer")]),
    item("comp", "Compensation", FOLDER, Some("hr"), "user_olivia", 360, "", &[]),
    described(item("salary_bands", "Salary Bands 2026", SHEET, Some("comp"), "user_olivia", 50, "Level,Title,Min,Mid,Max\nL3,Engineer,130000,150000,170000\nL4,Senior Engineer,160000,185000,210000\nL5,Staff Engineer,200000,230000,260000\nM1,Engineering Manager,190000,220000,250000\n", &[Domain("reader", false)]), "Overshared: anyone at nexusai.com with the link can view."),
    item("offers", "Offer Letters", FOLDER, Some("hr"), "user_olivia", 200, "", &[]),
    item("offer_hiro", "Offer Letter - Hiro Tanaka.pdf", PDF, Some("offers"), "user_olivia", 180, "OFFER LETTER. Hiro Tanaka, ML Engineer, base salary $185,000, 0.15% equity, start date 2025-10-01. Confidential.", &[]),
    item("offer_candidate", "Offer Letter - Candidate Draft", DOC, Some("offers"), "user_olivia", 4,
"= Offer Letter (Draft)
Dear Candidate,
We are delighted to offer you the position of Senior Engineer at NexusAI.
# Compensation
- Base salary: $182,000
- Equity: 0.10%
- Signing bonus: $15,000
Please reply by March 27, 2026.
", &[User("tom.becker@gmail.com", "reader")]),
    item("handbook", "Employee Handbook", DOC, Some("hr"), "user_olivia", 330,
"= Employee Handbook
# Working hours
Core hours are 10:00 to 16:00 in your time zone.
# Time off
- 25 days of paid vacation
- Public holidays of your country
# Security
Never share credentials. Report phishing to security@nexusai.com.
", &[Domain("reader", true)]),
    // Legal
    item("legal", "Legal", FOLDER, None, "user_sarah", 390, "", &[]),
    item("nda", "Mutual NDA Template", DOC, Some("legal"), "user_sarah", 300,
"= Mutual Non-Disclosure Agreement
This Agreement is entered into by NexusAI Inc. and the Counterparty.
# Confidential information
Any non-public business or technical information disclosed by either party.
# Term
Three years from the effective date.
", &[Domain("reader", true)]),
    item("rossi", "Rossi Legal - Engagement Letter.pdf", PDF, Some("legal"), "user_sarah", 75, "ENGAGEMENT LETTER. Rossi Legal will advise NexusAI on EU data protection. Hourly rate EUR 420.", &[User("sofia@rossilegal.it", "commenter")]),
    // Board
    item("board", "Board", FOLDER, None, "user_sarah", 380, "", &[User("alex@nexusai.com", "reader"), User("emma@nexusai.com", "writer")]),
    starred(item("board_deck", "Q1 2026 Board Deck", SLIDES, Some("board"), "user_sarah", 18, "Q1 2026 Board Meeting. Revenue $2.1M ARR (+38% QoQ). Burn $610k/month. Runway 22 months. Hiring plan: 8 engineers. Ask: approve the Series B process.", &[User("dana@horizonvc.com", "reader")])),
    item("board_minutes", "Board Meeting Minutes - February 2026", DOC, Some("board"), "user_sarah", 25,
"= Board Meeting Minutes
Date: 2026-02-19. Present: Sarah Kim, Dana Whitfield, Emma Schulz; Alex Chen for item 2.
# 1. Financials
Emma presented the January close. Burn is on plan.
# 2. Product
Alex presented the offline mode roadmap. The board asked for a Globex renewal update.
# Resolutions
1. The board approved the FY2026 budget.
2. Management will start the Series B process in Q2.
", &[]),
    // Personal (Alex, private)
    item("personal", "Personal", FOLDER, None, "user_alex", 500, "", &[]),
    item("self_review", "Alex - Performance Self Review 2025", DOC, Some("personal"), "user_alex", 100,
"= Performance Self Review 2025
# Highlights
- Launched the enterprise tier with three design partners
- Hired two product managers
# Growth areas
- Delegate more of the roadmap reviews
", &[]),
    item("tax", "Tax Documents 2025.pdf", PDF, Some("personal"), "user_alex", 35, "W-2 2025. Employee: Alex Chen. Wages: $212,400.00. Federal income tax withheld: $48,100.00.", &[]),
    item("vacation", "lisbon-trip.jpg", JPEG, Some("personal"), "user_alex", 160, "JPEG image: Lisbon, view from the Miradouro da Senhora do Monte", &[]),
    // Alex's loose files
    item("offsite", "Team Offsite Plan", DOC, None, "user_alex", 6,
"= Team Offsite Plan
Dates: April 22-24, 2026. Location: Sonoma.
# Agenda
- Day 1: Roadmap deep dive
- Day 2: Customer panel and workshop
- Day 3: Team activity
# Budget
Estimated $18,000 for 14 people.
", &[User("chris@pixelforge.design", "writer")]),
    trashed(item("old_roadmap", "Old Roadmap Draft", DOC, None, "user_alex", 220,
"= Roadmap Draft (obsolete)
- Q1: Gateway v1
- Q2: Analytics
", &[])),
    item("notes_txt", "ideas.txt", TEXT, None, "user_alex", 40, "Ideas:\n- voice input for field techs\n- offline-first sync\n- admin audit export\n", &[]),
    item("shared_to_alex", "Design System Tokens", DOC, None, "user_diego", 22,
"= Design System Tokens
# Colors
- Primary: #3B5BDB
- Danger: #E03131
# Typography
Inter for UI, 14 px base.
", &[User("alex@nexusai.com", "commenter")]),
    item("customers_csv", "customer-list-export.csv", CSV, None, "user_aisha", 9, "name,email,plan,arr\nGlobex,mei.lin@globex.com,enterprise,480000\nAcme Cloud,raj.mehta@acmecloud.io,business,96000\n", &[User("alex@nexusai.com", "reader"), User("ben.carter@outlook.com", "reader")]),
];

/// Filler templates: (name pattern, mime, folder key, content pattern). `{n}` is a number.
pub const FILLER: &[(&str, &str, &str, &str)] = &[
    ("Standup Notes {n}", DOC, "eng_sprints", "= Standup Notes {n}\n# Yesterday\n- Reviewed pull requests\n- Fixed flaky gateway test\n# Today\n- Pairing on the download manager\n# Blockers\n- None\n"),
    ("Customer Call Notes {n}", DOC, "sales", "= Customer Call Notes {n}\n# Attendees\nAisha Bello, customer team\n# Notes\n- Interested in offline mode\n- Asked about SSO and audit logs\n# Next steps\n- Send pricing\n"),
    ("Invoice {n}.pdf", PDF, "invoices", "INVOICE {n}. Vendor services. Amount due: ${n}0.00. Net 30."),
    ("Screenshot {n}.png", PNG, "product", "PNG image: screenshot {n} of the admin console"),
    ("Design Review {n}", DOC, "prds", "= Design Review {n}\n# Decisions\n- Keep the navigation rail\n- Move settings into a drawer\n# Follow-ups\n- Accessibility audit\n"),
    ("Experiment Results {n}", SHEET, "eng", "run,metric,value\n{n},accuracy,0.8{n}\n{n},latency_ms,2{n}0\n"),
    ("Team Photo {n}.jpg", JPEG, "personal", "JPEG image: team photo {n}"),
    ("Research Interview {n}", DOC, "product", "= Research Interview {n}\n# Participant\nField technician, 6 years of experience\n# Quotes\n- \"I lose signal in basements every day.\"\n- \"Voice would save me time.\"\n"),
];
