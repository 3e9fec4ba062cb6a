//! The simulator's own credentials: what a client must present to each API.
//!
//! They are derived from the fleet seed and a rotation counter, so every process that shares a
//! state directory agrees on them and a rotation invalidates the old values everywhere. They
//! guard nothing real; they exist so that clients exercise their real authentication paths.

use serde::{Deserialize, Serialize};

use crate::Api;
use crate::rng::Rng;

/// Every credential the simulated services accept.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
pub struct Credentials {
    /// Notion integration token (`Authorization: Bearer`).
    pub notion_token: String,
    /// UniFi Site Manager API key (`X-API-Key`).
    pub unifi_api_key: String,
    /// NinjaOne OAuth client id.
    pub ninjaone_client_id: String,
    /// NinjaOne OAuth client secret.
    pub ninjaone_client_secret: String,
    /// Entra tenant of the simulated vault.
    pub azure_tenant_id: String,
    /// Entra application (service principal) allowed to read the vault.
    pub azure_client_id: String,
    /// Its client secret.
    pub azure_client_secret: String,
    /// Value the managed-identity endpoint expects in `X-IDENTITY-HEADER`.
    pub identity_header: String,
    /// How many times each API's credential was rotated, by API name.
    pub rotations: [u32; 4],
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("rotations", &self.rotations)
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// The credentials of a fresh simulator with this seed.
    pub fn for_seed(seed: u64) -> Self {
        let mut creds = Self {
            notion_token: String::new(),
            unifi_api_key: String::new(),
            ninjaone_client_id: String::new(),
            ninjaone_client_secret: String::new(),
            azure_tenant_id: Rng::derive(seed, "azure-tenant", 0).uuid().to_string(),
            azure_client_id: Rng::derive(seed, "azure-client", 0).uuid().to_string(),
            azure_client_secret: format!("sim~{}", Rng::derive(seed, "azure-secret", 0).hex(34)),
            identity_header: Rng::derive(seed, "identity-header", 0).hex(32),
            rotations: [0; 4],
        };
        for api in [Api::Notion, Api::Unifi, Api::Ninjaone] {
            creds.derive(seed, api);
        }
        creds
    }

    /// Replaces the credential of `api` with a new one; the old one stops working.
    pub fn rotate(&mut self, seed: u64, api: Api) {
        self.rotations[api as usize] += 1;
        match api {
            Api::Vault => {
                let round = u64::from(self.rotations[api as usize]);
                self.azure_client_secret =
                    format!("sim~{}", Rng::derive(seed, "azure-secret", round).hex(34));
            }
            _ => self.derive(seed, api),
        }
    }

    fn derive(&mut self, seed: u64, api: Api) {
        let round = u64::from(self.rotations[api as usize]);
        let mut rng = Rng::derive(seed, api.name(), round);
        match api {
            Api::Notion => self.notion_token = format!("ntn_sim{}", rng.hex(43)),
            Api::Unifi => self.unifi_api_key = format!("sim-{}", rng.hex(32)),
            Api::Ninjaone => {
                // Regenerating the secret in NinjaOne keeps the client app and its id.
                let client_id = format!("sim-{}", rng.hex(27));
                if round == 0 {
                    self.ninjaone_client_id = client_id;
                }
                self.ninjaone_client_secret = rng.hex(48);
            }
            Api::Vault => {}
        }
    }

    /// The secrets the vault holds, by Key Vault secret name.
    pub fn vault_secrets(&self) -> [(&'static str, &str); 4] {
        [
            ("notion-token", &self.notion_token),
            ("unifi-api-token", &self.unifi_api_key),
            ("ninjaone-client-id", &self.ninjaone_client_id),
            ("ninjaone-client-secret", &self.ninjaone_client_secret),
        ]
    }
}
