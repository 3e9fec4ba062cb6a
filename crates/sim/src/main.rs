//! `mock-apis`: runs the simulator of the Notion, UniFi Site Manager, NinjaOne and Azure Key
//! Vault APIs on loopback, for drills and tests with no credentials.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use mock_apis::config::{FleetConfig, Settings};
use mock_apis::control::{Operation, SettingsChange, apply_fault, apply_settings};
use mock_apis::ctl::{self, Target};
use mock_apis::faults::FaultSpec;
use mock_apis::{Api, SimConfig};
use serde_json::json;

/// Simulator of the Notion, UniFi Site Manager, NinjaOne and Azure Key Vault APIs.
///
/// One HTTP listener serves /notion, /unifi, /ninjaone and the control API /_sim; a second,
/// HTTPS listener serves the vault and the identity endpoints with a certificate from a CA the
/// simulator generates (written to the state directory as ca.pem).
#[derive(Debug, Parser)]
#[command(name = "mock-apis", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the simulator and serve until interrupted (Ctrl-C).
    Serve(ServeArgs),
    /// Inject a fault, given as the JSON the control API takes, e.g.
    /// '{"api":"notion","kind":"outage","duration_secs":60}'.
    Fault {
        /// The fault.
        #[arg(value_name = "JSON")]
        spec: String,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Clear every fault, or the one with this id.
    ClearFaults {
        /// Id of one fault (see `faults`).
        id: Option<u64>,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// List the faults in force.
    Faults(TargetArgs),
    /// Advance simulated time (45s, 90m, 3h, 2d, 1h30m): devices go offline and come back,
    /// alerts raise and clear, activities appear.
    Tick {
        /// How far.
        duration: String,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Change settings, given as the JSON the control API takes, e.g.
    /// '{"api":"notion","latency_ms":300}' or '{"limits":false}'.
    Settings {
        /// The change; without it, print the settings in force.
        #[arg(value_name = "JSON")]
        change: Option<String>,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Replace one API's credential (notion, unifi, ninjaone, vault); the old one stops working.
    Rotate {
        /// The API.
        api: Api,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Print base URLs, fleet, Notion database ids and simulated time.
    Info(TargetArgs),
    /// Print the request counters of a running simulator.
    Stats(TargetArgs),
    /// Put everything back to the start state: fleet, empty databases, no faults.
    Reset(TargetArgs),
}

/// Which simulator a control command talks to.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct TargetArgs {
    /// A running `mock-apis serve`, e.g. http://127.0.0.1:8089.
    #[arg(long, env = "DR_TEST_URL")]
    url: Option<String>,
    /// A state directory (e.g. DR test mode's ./dr-test-state), changed in place.
    #[arg(long, env = "DR_TEST_STATE_DIR")]
    state_dir: Option<PathBuf>,
}

impl TargetArgs {
    fn target(self) -> Target {
        match (self.url, self.state_dir) {
            (Some(url), _) => Target::Url(url),
            (None, Some(dir)) => Target::StateDir(dir),
            // clap's group makes one of the two required.
            (None, None) => Target::StateDir(PathBuf::from("./dr-test-state")),
        }
    }
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on (loopback unless you mean to share it).
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port of the HTTP listener (0 picks a free one).
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// Port of the HTTPS vault listener (0 picks a free one).
    #[arg(long, default_value_t = 8443)]
    vault_port: u16,
    /// Seed of the generated fleet: the same seed gives the same fleet.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of UniFi sites (and NinjaOne organizations).
    #[arg(long, default_value_t = 98)]
    sites: usize,
    /// Number of NinjaOne devices [default: 323 per 98 sites].
    #[arg(long)]
    devices: Option<usize>,
    /// Keep the whole state (fleet, Notion pages, clock, faults) in this directory, shared by
    /// every process that uses it. Without it the state lives in memory.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Turn every rate limit off.
    #[arg(long)]
    no_limits: bool,
    /// Notion's sustained requests per second.
    #[arg(long)]
    notion_rate: Option<f64>,
    /// Notion's burst size.
    #[arg(long)]
    notion_burst: Option<f64>,
    /// Latency added to every Notion, UniFi and NinjaOne request, in ms.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Random jitter added to the latency, in ms.
    #[arg(long)]
    jitter_ms: Option<u64>,
    /// Lifetime of NinjaOne access tokens, in seconds.
    #[arg(long)]
    token_lifetime: Option<u64>,
    /// Rows one Notion query returns before `request_status: incomplete`.
    #[arg(long)]
    row_cap: Option<usize>,
    /// A fault to inject at start, as the JSON the control API takes, e.g.
    /// '{"api":"notion","kind":"outage","duration_secs":60}'. Repeatable.
    #[arg(long = "fault", value_name = "JSON")]
    faults: Vec<String>,
    /// Print the start-up summary as one JSON object instead of text.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,mock_apis=info".into()),
        )
        .init();
    let (operation, target) = match Cli::parse().command {
        Command::Serve(args) => return serve(args).await,
        Command::Fault { spec, target } => (Operation::AddFault(json_arg(&spec)?), target),
        Command::ClearFaults {
            id: Some(id),
            target,
        } => (Operation::ClearFault(id), target),
        Command::ClearFaults { id: None, target } => (Operation::ClearFaults, target),
        Command::Faults(target) => (Operation::Faults, target),
        Command::Tick { duration, target } => {
            (Operation::Tick(json!({ "duration": duration })), target)
        }
        Command::Settings {
            change: Some(change),
            target,
        } => (Operation::ChangeSettings(json_arg(&change)?), target),
        Command::Settings {
            change: None,
            target,
        } => (Operation::Settings, target),
        Command::Rotate { api, target } => (Operation::Rotate(json!({ "api": api })), target),
        Command::Info(target) => (Operation::Info, target),
        Command::Stats(target) => (Operation::Stats, target),
        Command::Reset(target) => (Operation::Reset, target),
    };
    let answer = ctl::run(&target.target(), operation).await?;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(())
}

fn json_arg(text: &str) -> anyhow::Result<serde_json::Value> {
    serde_json::from_str(text).with_context(|| format!("`{text}` is not valid JSON"))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let faults = parse_faults(&args.faults)?;
    let config = sim_config(&args);
    let running = mock_apis::start(config)
        .await
        .context("failed to start the simulator")?;
    for change in settings_changes(&args) {
        apply_settings(&running.sim, change)
            .map_err(|err| anyhow::anyhow!("failed to apply settings: {err:?}"))?;
    }
    for fault in faults {
        apply_fault(&running.sim, fault).map_err(|err| anyhow::anyhow!("bad --fault: {err:?}"))?;
    }
    warn_if_state_differs(&running, &args)?;
    print_summary(&running, args.json)?;
    tokio::signal::ctrl_c()
        .await
        .context("failed to wait for Ctrl-C")?;
    running.shutdown().await;
    Ok(())
}

fn sim_config(args: &ServeArgs) -> SimConfig {
    let mut fleet = FleetConfig::scaled(args.seed, args.sites);
    if let Some(devices) = args.devices {
        fleet.devices = devices;
    }
    SimConfig {
        http_addr: SocketAddr::new(args.bind, args.port),
        vault_addr: SocketAddr::new(args.bind, args.vault_port),
        fleet,
        settings: if args.no_limits {
            Settings::unlimited()
        } else {
            Settings::real()
        },
        state_dir: args.state_dir.clone(),
    }
}

/// The settings the flags change, as control-API changes (one per API where latency is set).
fn settings_changes(args: &ServeArgs) -> Vec<SettingsChange> {
    let mut changes = vec![SettingsChange {
        limits: args.no_limits.then_some(false),
        ninjaone_token_lifetime_secs: args.token_lifetime,
        notion_row_cap: args.row_cap,
        ..SettingsChange::default()
    }];
    if args.notion_rate.is_some() || args.notion_burst.is_some() {
        changes.push(SettingsChange {
            api: Some(Api::Notion),
            rate_per_sec: args.notion_rate.map(Some),
            burst: args.notion_burst,
            ..SettingsChange::default()
        });
    }
    if args.latency_ms.is_some() || args.jitter_ms.is_some() {
        for api in [Api::Notion, Api::Unifi, Api::Ninjaone] {
            changes.push(SettingsChange {
                api: Some(api),
                latency_ms: args.latency_ms,
                jitter_ms: args.jitter_ms,
                ..SettingsChange::default()
            });
        }
    }
    changes
}

/// An existing state directory keeps its fleet; say so when the flags asked for another one.
fn warn_if_state_differs(running: &mock_apis::RunningSim, args: &ServeArgs) -> anyhow::Result<()> {
    let stored = running.sim.control.read(|c| c.fleet.clone())?;
    if stored != running.sim.config.fleet {
        let dir = args
            .state_dir
            .as_deref()
            .unwrap_or(std::path::Path::new("?"))
            .display();
        eprintln!(
            "warning: {dir} already holds a fleet of seed {} with {} sites and {} devices; \
             it is kept, and --seed/--sites/--devices apply only after `mock-apis reset`",
            stored.seed, stored.sites, stored.devices
        );
    }
    Ok(())
}

fn parse_faults(faults: &[String]) -> anyhow::Result<Vec<FaultSpec>> {
    faults
        .iter()
        .map(|text| serde_json::from_str(text).with_context(|| format!("invalid --fault `{text}`")))
        .collect()
}

fn print_summary(running: &mock_apis::RunningSim, json: bool) -> anyhow::Result<()> {
    let urls = running.urls();
    let credentials = running.sim.credentials()?;
    let fleet = running.sim.control.read(|c| c.fleet.clone())?;
    if json {
        let summary = serde_json::json!({
            "urls": urls,
            "credentials": credentials,
            "fleet": fleet,
            "notion": {
                "parent_page_id": mock_apis::notion::PARENT_PAGE_ID,
                "databases": mock_apis::notion::DATABASES,
            },
        });
        println!("{summary}");
        return Ok(());
    }
    println!("mock-apis {} serving", env!("CARGO_PKG_VERSION"));
    println!(
        "  fleet      seed {} · {} sites · {} devices",
        fleet.seed, fleet.sites, fleet.devices
    );
    println!("  notion     {}", urls.notion);
    println!("  unifi      {}", urls.unifi);
    println!("  ninjaone   {}", urls.ninjaone);
    println!("  control    {}", urls.control);
    println!(
        "  vault      {} (resolve to {})",
        urls.vault, urls.vault_addr
    );
    println!("credentials (simulated; they guard nothing real)");
    println!("  NOTION_TOKEN={}", credentials.notion_token);
    println!("  UNIFI_API_TOKEN={}", credentials.unifi_api_key);
    println!("  NINJAONE_CLIENT_ID={}", credentials.ninjaone_client_id);
    println!(
        "  NINJAONE_CLIENT_SECRET={}",
        credentials.ninjaone_client_secret
    );
    println!(
        "notion databases (parent page {})",
        mock_apis::notion::PARENT_PAGE_ID
    );
    for db in mock_apis::notion::DATABASES {
        println!(
            "  {:<16} {} (data source {})",
            db.key, db.database_id, db.data_source_id
        );
    }
    Ok(())
}
