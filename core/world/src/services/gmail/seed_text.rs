//! Text material of the Gmail seeder: senders, subjects and bodies with `{placeholders}` that
//! the seeder fills from small word lists, so that 3,000 messages stay varied and searchable.

/// An automated or bulk sender: `(from, subject, body, category, user label or "", attachment
/// file name or "", html)`.
pub type Bulk = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
);

pub const NOTIFICATIONS: &[Bulk] = &[
    ("GitHub <notifications@github.com>", "[nexusai/{repo}] {pr_title} (PR #{num})",
     "{person} requested your review on pull request #{num} in nexusai/{repo}.\n\n{pr_title}\n\nFiles changed: {small} · Commits: {tiny}\n\nView it on GitHub: https://github.com/nexusai/{repo}/pull/{num}",
     "CATEGORY_UPDATES", "Notifications/GitHub", "", true),
    ("GitHub <notifications@github.com>", "Re: [nexusai/{repo}] {issue_title} (Issue #{num})",
     "{person} commented on issue #{num}:\n\n> I can reproduce this on {env}. Looks like the {service} retries are not idempotent.\n\nReply to this email directly or view it on GitHub.",
     "CATEGORY_UPDATES", "Notifications/GitHub", "", false),
    ("GitHub <noreply@github.com>", "[GitHub] A new SSH key was added to your account",
     "Hey alexchen,\n\nA new public key was added to your account on {date}. If you did not add this key, remove it and review your security log.",
     "CATEGORY_UPDATES", "", "", false),
    ("Jira <jira@nexusai.atlassian.net>", "[JIRA] (NEX-{num}) {issue_title}",
     "{person} changed the status of NEX-{num} from In Progress to In Review.\n\nSummary: {issue_title}\nPriority: {priority}\nSprint: Sprint {tiny}",
     "CATEGORY_UPDATES", "", "", true),
    ("Jira <jira@nexusai.atlassian.net>", "[JIRA] {person} mentioned you on NEX-{num}",
     "{person} mentioned you in a comment on NEX-{num} ({issue_title}):\n\n\"@Alex can you confirm the acceptance criteria before {weekday}?\"",
     "CATEGORY_UPDATES", "", "", true),
    ("Datadog <alert@dtdg.co>", "[Triggered] {service} p99 latency above {small}ms on {env}",
     "Monitor: {service} p99 latency\nStatus: Triggered\nValue: {big}ms (threshold {small}ms)\nEnvironment: {env}\n\nNotified: @oncall-platform",
     "CATEGORY_UPDATES", "", "", true),
    ("Datadog <alert@dtdg.co>", "[Recovered] {service} error rate back to normal on {env}",
     "Monitor: {service} 5xx error rate\nStatus: Recovered after {tiny}m\nEnvironment: {env}",
     "CATEGORY_UPDATES", "", "", true),
    ("PagerDuty <no-reply@pagerduty.com>", "[PagerDuty] INCIDENT #{num}: {service} health check failing",
     "Incident #{num} was triggered for service {service}.\nUrgency: High\nAssigned to: {person}\n\nAcknowledge: https://nexusai.pagerduty.com/incidents/{num}",
     "CATEGORY_UPDATES", "", "", true),
    ("Stripe <receipts@stripe.com>", "Your receipt from {vendor} #{inv}",
     "Receipt from {vendor}\nAmount paid: ${amount}\nDate paid: {date}\nPayment method: Visa ending in 4242\n\nQuestions? Contact {vendor} support.",
     "CATEGORY_UPDATES", "Purchases", "", true),
    ("AWS Billing <aws-billing@amazon.com>", "Amazon Web Services Billing Statement Available [Account: 4821-{num}]",
     "Your AWS statement for {month} is available. Total: ${amount}.\nTop services: EC2, S3, SageMaker.",
     "CATEGORY_UPDATES", "Finance", "aws-invoice-{month}.pdf", false),
    ("CircleCI <builds@circleci.com>", "Failed: nexusai/{repo} #{num} ({branch})",
     "Build #{num} failed on branch {branch}.\nFailing job: test-integration\nCommit: \"{pr_title}\" by {person}",
     "CATEGORY_UPDATES", "", "", true),
    ("Linear <notifications@linear.app>", "{person} assigned you NEX-{num}: {issue_title}",
     "{person} assigned NEX-{num} to you.\nPriority: {priority}\nDue: {date}",
     "CATEGORY_UPDATES", "", "", false),
    ("Figma <comments@figma.com>", "{person} commented on \"{feature} – v{tiny}\"",
     "{person}: \"Can we try the compact layout for the {feature} header? The current spacing feels loose.\"\n\nOpen in Figma",
     "CATEGORY_UPDATES", "", "", true),
    ("DocuSign <dse@docusign.net>", "Please DocuSign: {customer} Master Services Agreement",
     "{person} sent you a document to review and sign: {customer} Master Services Agreement.\nPlease complete by {date}.",
     "CATEGORY_UPDATES", "", "", true),
    ("Google Calendar <calendar-notification@google.com>", "Invitation: {meeting} @ {weekday} {hour}:00 - {hour2}:00 (PST)",
     "{person} has invited you to {meeting}.\nWhen: {weekday} {hour}:00 – {hour2}:00 Pacific Time\nJoining: meet.google.com/{code}",
     "CATEGORY_UPDATES", "", "invite.ics", false),
    ("Slack <notification@slack.com>", "[Slack] Notifications from the NexusAI workspace",
     "You have {tiny} new messages in #{channel}.\n{person}: \"{pr_title} is ready for a look\"",
     "CATEGORY_UPDATES", "", "", true),
    ("Expensify <concierge@expensify.com>", "Expense report \"{city} trip {month}\" approved",
     "Your report \"{city} trip {month}\" for ${amount} was approved by Emma Schulz and will be reimbursed within 3 business days.",
     "CATEGORY_UPDATES", "Finance", "", false),
    ("United Airlines <unitedairlines@united.com>", "Your trip confirmation: SFO to {airport} on {date}",
     "Confirmation number: {code}\nFlight UA {num}: SFO → {airport}, departs {date} {hour}:15\nSeat {tiny}C",
     "CATEGORY_UPDATES", "Travel", "itinerary-{code}.pdf", true),
    ("LinkedIn <messages-noreply@linkedin.com>", "{person2} sent you a message",
     "{person2}: \"Hi Alex, I'm building a {feature} startup and would love 15 minutes of your time.\"",
     "CATEGORY_SOCIAL", "", "", true),
    ("LinkedIn <notifications-noreply@linkedin.com>", "You appeared in {small} searches this week",
     "See who's looking at your profile. Recruiters from {vendor} viewed your profile.",
     "CATEGORY_SOCIAL", "", "", true),
    ("Meetup <info@meetup.com>", "New event: Bay Area {topic} Meetup on {weekday}",
     "Join {small} members for talks about {topic}. Hosted at {vendor} HQ.",
     "CATEGORY_SOCIAL", "", "", true),
    ("rust-users <rust-users@googlegroups.com>", "[rust-users] {topic} patterns in async code",
     "Has anyone benchmarked {topic} with tokio? We see a {tiny}x slowdown compared to the sync version.",
     "CATEGORY_FORUMS", "", "", false),
    ("MLOps Community <forum@mlops.community>", "[Forum] Weekly digest: {topic}",
     "Top threads this week: serving quantized models, {topic}, evaluation harnesses for agents.",
     "CATEGORY_FORUMS", "", "", true),
];

pub const NEWSLETTERS: &[Bulk] = &[
    ("TechCrunch <newsletters@techcrunch.com>", "TechCrunch Daily: {company} raises ${big}M for {topic}",
     "Today: {company} raises ${big}M Series B to bring {topic} to enterprises. Plus: the on-device AI race heats up.",
     "CATEGORY_PROMOTIONS", "Newsletters", "", true),
    ("Morning Brew <crew@morningbrew.com>", "☕ {topic} is eating the world",
     "Good morning. Markets were up {tiny}% yesterday. Today's brew: {topic}, {company}'s earnings and a crossword.",
     "CATEGORY_PROMOTIONS", "Newsletters", "", true),
    ("Lenny's Newsletter <lenny@substack.com>", "How {company} does product reviews",
     "This week: an inside look at {company}'s product review ritual, plus {tiny} templates for writing PRDs.",
     "CATEGORY_UPDATES", "Newsletters", "", true),
    ("The Pragmatic Engineer <pragmaticengineer@substack.com>", "The Pulse #{num}: {topic}",
     "In this issue: {topic}, layoffs at {company}, and what engineering managers should know about AI coding tools.",
     "CATEGORY_UPDATES", "Newsletters", "", true),
    ("Product Hunt <hello@producthunt.com>", "Top 5 products today: {feature} for teams",
     "#{tiny} {company} – {feature} for teams. See today's top launches.",
     "CATEGORY_PROMOTIONS", "", "", true),
    ("Figma <no-reply@figma.com>", "What's new in Figma: {feature}",
     "We just shipped {feature}. Try it in your next file and tell us what you think.",
     "CATEGORY_PROMOTIONS", "", "", true),
    ("Notion <team@makenotion.com>", "Notion AI now helps with {topic}",
     "Save hours on {topic} with Notion AI. Upgrade your workspace today.",
     "CATEGORY_PROMOTIONS", "", "", true),
    ("Delta Air Lines <deltaairlines@t.delta.com>", "Flash sale: fares to {airport} from ${small}",
     "Book by {weekday} for fares to {airport} starting at ${small}. Terms apply.",
     "CATEGORY_PROMOTIONS", "", "", true),
    ("a16z <newsletter@a16z.com>", "a16z Enterprise: {topic} in {month}",
     "Our partners on {topic}, and a market map of {tiny}0 companies building agent infrastructure.",
     "CATEGORY_UPDATES", "Newsletters", "", true),
];

pub const SPAM: &[(&str, &str, &str)] = &[
    ("Prize Center <winner@lucky-prize-center.biz>", "Congratulations! You have won a ${big},000 gift card",
     "Dear winner, claim your ${big},000 gift card now by confirming your bank details at our secure portal."),
    ("IT Helpdesk <it-support@nexusai-security.co>", "Action required: your mailbox password expires today",
     "Your password for alex@nexusai.com expires in 2 hours. Verify your account here to keep receiving email."),
    ("Crypto Wealth <profits@quick-crypto-returns.net>", "Turn $250 into ${big},000 in {tiny} weeks",
     "Our AI trading bot guarantees returns. Limited seats, act now."),
    ("Pharmacy Online <deals@cheap-meds-online.ru>", "Best prices, no prescription needed",
     "Discreet shipping worldwide. Order today and save {small}%."),
    ("Mr. Johnson Okafor <j.okafor@diplomat-mail.org>", "Confidential business proposal",
     "I am contacting you regarding an unclaimed sum of ${big} million that requires a foreign partner."),
    ("DHL Express <tracking@dhl-parcel-notice.info>", "Your parcel is on hold: customs fee unpaid",
     "Your package {code} is on hold. Pay the customs fee of $2.99 to release it."),
];

/// Work threads: `(subject, opening message, replies, user label or "", attachment or "")`.
pub const WORK_THREADS: &[(&str, &str, &[&str], &str, &str)] = &[
    ("{project} roadmap review for Q{quarter}",
     "Hi all,\n\nI've put together the draft roadmap for {project} for Q{quarter}. The big bets are {feature} and the new onboarding flow. Please leave comments by {weekday} so we can lock it at the planning meeting.\n\nThanks,\n{sender}",
     &["Thanks {to_first}. I left a few comments on the timeline; the {feature} estimate looks optimistic given the {service} migration.",
       "Agree with the priorities. Can we move the review to {weekday} afternoon? I'm out on Thursday.",
       "Updated the doc with the new estimates. {project} milestone 2 now lands {date}.",
       "Looks good to me. Let's lock it."],
     "Projects/{project}", "{project}-roadmap-Q{quarter}.pdf"),
    ("{project} launch checklist",
     "Team,\n\nLaunch for {project} is planned for {date}. Open items: docs, pricing page, support macros and the {service} load test. Owners please confirm status in this thread.\n\n{sender}",
     &["Docs are done, waiting for a final review from legal.",
       "Load test passed at {big} rps, p99 {small}ms. We're good on {service}.",
       "Pricing page copy is blocked on the {customer} discount question — {to_first}, can you decide?",
       "Support macros are live. I'll brief the team on {weekday}."],
     "Projects/{project}", ""),
    ("Candidate debrief: {candidate} for {role}",
     "Hi panel,\n\nPlease share your feedback for {candidate} ({role}) before {weekday}. Scorecards are in Greenhouse.\n\n{sender}",
     &["Strong hire from me. Excellent system design, a bit quiet in the product round.",
       "Lean hire. Great on {topic}, less experience with on-call.",
       "I'd like a follow-up conversation about leadership before we decide."],
     "Recruiting", "{candidate}-resume.pdf"),
    ("Budget approval: {vendor} renewal",
     "Hi {to_first},\n\nThe {vendor} contract renews on {date} at ${amount}/year ({tiny}% up from last year). Can you approve, or should we negotiate a multi-year deal?\n\nBest,\n{sender}",
     &["Let's ask for a 2-year term at the current price before approving.",
       "They agreed to hold the price for 24 months. Approving now.",
       "Approved in Ramp. Thanks for pushing on this."],
     "Finance", "{vendor}-quote.pdf"),
    ("Customer escalation: {customer} {service} errors",
     "Heads up: {customer} reported intermittent 502s from {service} since {weekday}. They are on the Enterprise plan and their renewal is in {tiny} weeks.\n\n{sender}",
     &["Looking now. Error rate spiked after the {branch} deploy.",
       "Rolled back. Errors are gone; writing up the root cause.",
       "Thanks — I'll update {customer} and offer a call with engineering.",
       "{customer} confirmed things look stable. Closing the loop."],
     "Clients", ""),
    ("Offsite planning – {city}",
     "Hi everyone,\n\nWe're planning the team offsite in {city} for the week of {date}. Please fill in the travel form and dietary restrictions by {weekday}.\n\n{sender}",
     &["Booked! Arriving Tuesday morning.",
       "Could we add a session on {topic}?",
       "Hotel block is confirmed; confirmation numbers are in the attached sheet."],
     "Travel", "offsite-{city}-agenda.pdf"),
    ("Design review: {feature}",
     "Sharing the latest mocks for {feature}. Main open question: should the empty state link to templates or to the tutorial?\n\n{sender}",
     &["Templates, definitely. The tutorial is a dead end for returning users.",
       "+1 templates. Also the primary button contrast fails WCAG AA on dark mode.",
       "Updated the file with both fixes."],
     "", "{feature}-mocks.png"),
    ("Postmortem: {service} outage on {date}",
     "Postmortem draft for the {service} outage ({small} minutes of degraded service). Root cause: an expired certificate on the internal load balancer. Action items are at the bottom.\n\n{sender}",
     &["Thanks for the thorough write-up. We should add cert expiry to the Datadog checks.",
       "I'll own the cert-manager migration, target {date}.",
       "Reviewed. Publishing to the eng-all list on {weekday}."],
     "", ""),
    ("1:1 agenda for {weekday}",
     "Hi {to_first},\n\nTopics for our 1:1: career growth plan, the {project} staffing question, and feedback on the last sprint.\n\n{sender}",
     &["Sounds good. Can we also talk about the {topic} conference?",
       "Sure, added it."],
     "", ""),
    ("Board deck – {month} draft",
     "Attached is the {month} board deck draft. Please review your sections (product, GTM, finance) by {weekday} EOD.\n\n{sender}",
     &["Product section updated with the {project} metrics.",
       "Finance numbers are final: ARR ${big}k, burn ${small}k/month.",
       "Thanks all. Sending the final version to the board tomorrow."],
     "", "board-deck-{month}.pptx"),
    ("Security review: {service} access policy",
     "Hi team,\n\nAs part of the SOC 2 audit we need to tighten access to {service}. Proposal: remove standing admin access and require just-in-time approval.\n\n{sender}",
     &["Fine for prod. For staging it'll slow us down a lot.",
       "Let's do prod now and revisit staging next quarter.",
       "Policy is live. Audit evidence is in the shared drive."],
     "", ""),
    ("Q{quarter} pipeline review",
     "Pipeline is at ${big}k for Q{quarter}, {tiny} deals in late stage. {customer} is the biggest risk: procurement wants a security questionnaire by {date}.\n\n{sender}",
     &["I can help with the questionnaire — send it over.",
       "{customer} moved to legal review. Fingers crossed.",
       "Closed-won! {customer} signed this morning."],
     "Clients", "pipeline-Q{quarter}.xlsx"),
];

/// External business threads: `(sender email, subject, body, replies, label, attachment)`.
/// `(sender email, subject, body, replies, label, attachment)`.
pub type External = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
);

pub const EXTERNAL_THREADS: &[External] = &[
    ("sofia@rossilegal.it", "Contract redlines – {customer} MSA",
     "Dear Alex,\n\nPlease find attached our redlines on the {customer} Master Services Agreement. The main open points are the liability cap and the data processing addendum.\n\nKind regards,\nSofia",
     &["Thanks Sofia, we accept the liability cap change. Legal will reply on the DPA by {weekday}.",
       "Noted. I'll prepare the execution version."],
     "Clients", "{customer}-MSA-redlines.docx"),
    ("dana@horizonvc.com", "Catching up after the {month} board meeting",
     "Hi Alex,\n\nGreat session last week. Could you send me the updated {project} metrics and the hiring plan before our next check-in?\n\nBest,\nDana",
     &["Hi Dana, attached are the metrics. Hiring plan follows on {weekday}.",
       "Perfect, thank you!"],
     "", ""),
    ("raj.mehta@acmecloud.io", "Invoice {inv} – Acme Cloud compute credits",
     "Hello,\n\nPlease find attached invoice {inv} for ${amount}, due on {date}. Let me know if you need a W-9.\n\nRegards,\nRaj Mehta\nAcme Cloud Billing",
     &["Thanks Raj, forwarding to our finance team.",
       "Payment was sent today."],
     "Finance", "invoice-{inv}.pdf"),
    ("mei.lin@globex.com", "Globex pilot – feedback from week {tiny}",
     "Hi Alex,\n\nOur team has been using the {feature} for {tiny} weeks. Overall positive; the main ask is SSO with Okta and an audit log export.\n\nMei",
     &["Thanks Mei! SSO is on the roadmap for {month}. I'll share a timeline.",
       "That works for us. Let's talk renewal terms next week."],
     "Clients", ""),
    ("chris@pixelforge.design", "Pixelforge – brand refresh proposal",
     "Hi Alex,\n\nAttached is our proposal for the NexusAI brand refresh: discovery, logo exploration and a design system, {tiny} weeks, ${amount}.\n\nChris",
     &["Looks great. Can you split the design system into a second phase?",
       "Sure — revised proposal attached."],
     "", "pixelforge-proposal.pdf"),
    ("fatima.z@northwind.co", "Partnership intro: Northwind x NexusAI",
     "Hi Alex,\n\nI lead partnerships at Northwind. We'd love to explore bundling your {feature} with our logistics platform. Do you have 30 minutes on {weekday}?\n\nFatima",
     &["Hi Fatima, happy to chat. {weekday} at 10am PT works.",
       "Great, invite sent."],
     "", ""),
];

/// Personal mail: `(sender email, subject, body, attachment)`.
pub const PERSONAL: &[(&str, &str, &str, &str)] = &[
    ("tom.becker@gmail.com", "Dinner on {weekday}?", "Hey Alex! Are you free for dinner on {weekday}? That new ramen place on Valencia finally opened.\n\nTom", ""),
    ("tom.becker@gmail.com", "Photos from the hike", "Here are the photos from Mount Tam. The fog was unreal.\n\nT.", "mt-tam-{tiny}.jpg"),
    ("ben.carter@outlook.com", "Fantasy league draft is {weekday}", "Draft is {weekday} at 7pm. Don't forget to set your keepers this time!\n\nBen", ""),
    ("ben.carter@outlook.com", "Re: weekend plans", "Lake Tahoe is still on. I booked the cabin, your share is ${small}.\n\nBen", ""),
    ("tom.becker@gmail.com", "Happy birthday!", "Happy birthday Alex! Drinks on me next time. 🎉", ""),
    ("ben.carter@outlook.com", "Book recommendation", "Finished \"{book}\" — you'd love it. Lending you my copy.", ""),
];

/// Mail Alex sent without a reply: `(subject, body)`.
pub const SENT_ALONE: &[(&str, &str)] = &[
    ("Quick question about {project}", "Hi {to_first},\n\nDo you have the latest numbers for {project}? I'd like to include them in the weekly update.\n\nThanks,\nAlex"),
    ("Follow-up: {meeting}", "Thanks everyone for joining {meeting}. Notes and action items are in the doc; owners please update by {weekday}.\n\nAlex"),
    ("Intro: {to_first} <> {person2}", "Hi both,\n\nConnecting you two as discussed — {person2} is working on {topic} and {to_first} has thought a lot about it.\n\nAlex"),
    ("Weekly product update – week {tiny}", "Highlights: {feature} shipped to beta, {project} on track, NPS up {tiny} points.\nLowlights: {service} latency regression (fixed).\n\nAlex"),
    ("Out of office {date}", "Hi team, I'll be out on {date}. Jordan is the point of contact for anything urgent.\n\nAlex"),
];

pub const PROJECTS: &[&str] = &["Atlas", "Beacon", "Cobalt", "Ember", "Falcon", "Harbor"];
pub const CUSTOMERS: &[&str] = &[
    "Globex",
    "Initech",
    "Umbrella Corp",
    "Stark Industries",
    "Wayne Enterprises",
    "Hooli",
    "Soylent",
    "Vandelay Industries",
];
pub const VENDORS: &[&str] = &[
    "Datadog",
    "Snowflake",
    "Notion",
    "Figma",
    "Vercel",
    "Segment",
    "Zoom",
    "Gong",
    "Okta",
    "Atlassian",
];
pub const REPOS: &[&str] = &[
    "nexus-api",
    "nexus-web",
    "inference-engine",
    "data-pipeline",
    "mobile-app",
    "eval-harness",
];
pub const SERVICES: &[&str] = &[
    "api-gateway",
    "auth-service",
    "billing-worker",
    "search-indexer",
    "model-router",
    "ingest-pipeline",
];
pub const FEATURES: &[&str] = &[
    "smart inbox",
    "workflow builder",
    "usage dashboard",
    "team workspaces",
    "offline mode",
    "agent marketplace",
    "audit log",
];
pub const TOPICS: &[&str] = &[
    "vector databases",
    "LLM evaluation",
    "on-device inference",
    "RAG pipelines",
    "GPU scheduling",
    "quantization",
    "agent safety",
    "Rust tooling",
];
pub const PR_TITLES: &[&str] = &[
    "Fix race in token refresh",
    "Add retry budget to model router",
    "Bump tokio to 1.47",
    "Cache embeddings per workspace",
    "Remove deprecated v1 endpoints",
    "Speed up CSV export",
    "Migrate settings page to new design system",
];
pub const ISSUE_TITLES: &[&str] = &[
    "Login loop on Safari 18",
    "Export times out for large workspaces",
    "Webhook signatures fail after key rotation",
    "Dark mode contrast on billing page",
    "Duplicate notifications after reconnect",
    "Memory leak in ingest worker",
];
pub const CITIES: &[&str] = &[
    "Lisbon",
    "Austin",
    "Denver",
    "Kyoto",
    "Barcelona",
    "Vancouver",
];
pub const AIRPORTS: &[&str] = &["JFK", "LHR", "NRT", "AUS", "SEA", "BOS", "LIS"];
pub const MEETINGS: &[&str] = &[
    "Weekly product sync",
    "Sprint planning",
    "Roadmap review",
    "Customer advisory board",
    "All-hands",
    "Pricing workshop",
];
pub const CHANNELS: &[&str] = &[
    "eng",
    "product",
    "random",
    "launch-room",
    "incidents",
    "sales",
];
pub const ROLES: &[&str] = &[
    "Senior Backend Engineer",
    "Product Designer",
    "ML Engineer",
    "Account Executive",
    "Data Scientist",
];
pub const CANDIDATES: &[&str] = &[
    "Maya Singh",
    "Lucas Meyer",
    "Chloe Dubois",
    "Omar Haddad",
    "Grace Liu",
    "Ivan Petrov",
];
pub const COMPANIES: &[&str] = &[
    "Anthropic",
    "Mistral",
    "Databricks",
    "Vercel",
    "Cohere",
    "Perplexity",
    "Hugging Face",
];
pub const PEOPLE: &[&str] = &[
    "Jordan Rivera",
    "Priya Patel",
    "Hiro Tanaka",
    "Liam O'Connor",
    "Noah Fischer",
    "Diego Morales",
];
pub const OUTSIDERS: &[&str] = &[
    "Kevin Walsh",
    "Ana Souza",
    "Rahul Gupta",
    "Julia Novak",
    "Sam Taylor",
];
pub const BOOKS: &[&str] = &[
    "The Mom Test",
    "Shape Up",
    "Project Hail Mary",
    "Designing Data-Intensive Applications",
];
pub const PRIORITIES: &[&str] = &["Highest", "High", "Medium", "Low"];
pub const ENVS: &[&str] = &["prod-us-west", "prod-eu", "staging"];
pub const BRANCHES: &[&str] = &["main", "release/2.14", "feat/router-v2", "fix/auth-refresh"];
pub const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

/// Replaces every `{key}` of `template` with its value.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        let key = format!("{{{k}}}");
        if out.contains(&key) {
            out = out.replace(&key, v);
        }
    }
    out
}

pub fn mime_type(filename: &str) -> &'static str {
    match filename.rsplit('.').next().unwrap_or("") {
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "ics" => "text/calendar",
        _ => "application/octet-stream",
    }
}

/// A plain text as a simple HTML body.
pub fn html_of(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let paragraphs: Vec<String> = escaped
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>")))
        .collect();
    format!(
        "<html><body><div style=\"font-family:Arial,sans-serif;font-size:14px\">{}</div></body></html>",
        paragraphs.join("")
    )
}

/// Small deterministic file contents that look like their type.
pub fn attachment_bytes(name: &str, subject: &str) -> Vec<u8> {
    let body = format!("{name}\n{subject}\nGenerated for the env0 mock workspace.\n");
    match name.rsplit('.').next().unwrap_or("") {
        "pdf" => format!("%PDF-1.4\n% {body}%%EOF\n").into_bytes(),
        "png" => [b"\x89PNG\r\n\x1a\n".as_slice(), body.as_bytes()].concat(),
        "jpg" => [b"\xff\xd8\xff\xe0".as_slice(), body.as_bytes()].concat(),
        "ics" => format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:{subject}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        .into_bytes(),
        _ => [b"PK\x03\x04".as_slice(), body.as_bytes()].concat(),
    }
}
