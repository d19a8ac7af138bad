//! A small plan world for the plan-model tests: the seeded plan and its
//! challenges, organisations in two regions, and a caller of every role.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ssw_api::domain::Role;
use uuid::Uuid;

use crate::helpers::TestApp;

pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub etag: Option<String>,
    pub location: Option<String>,
}

impl TestApp {
    /// Sends a request as the holder of `token` (anonymous when empty), with a
    /// JSON body and an `If-Match` version when given.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
        if_match: Option<i64>,
    ) -> Answer {
        let mut request = self.request(method, path);
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(version) = if_match {
            request = request.header("if-match", format!("\"{version}\""));
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (etag, location) = (header("etag"), header("location"));
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            body,
            etag,
            location,
        }
    }

    /// Creates a record and returns its body; panics unless 201.
    pub async fn create(&self, path: &str, token: &str, body: Value) -> Value {
        let answer = self
            .call(Method::POST, path, token, Some(&body), None)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "POST {path}: {}",
            answer.body
        );
        answer.body
    }

    /// PATCHes a record at its current version.
    pub async fn patch_current(&self, path: &str, token: &str, body: Value) -> Answer {
        let mut current = self.call(Method::GET, path, token, None, None).await;
        if current.status != StatusCode::OK {
            // A caller that may not read still gets to try the write.
            let admin = self.token_for(Role::Admin).await.1;
            current = self.call(Method::GET, path, &admin, None, None).await;
        }
        assert_eq!(
            current.status,
            StatusCode::OK,
            "GET {path}: {}",
            current.body
        );
        let version = current.body["version"].as_i64().expect("version");
        self.call(Method::PATCH, path, token, Some(&body), Some(version))
            .await
    }

    /// DELETEs a record at its current version.
    pub async fn delete_current(&self, path: &str, token: &str) -> Answer {
        let admin = self.token_for(Role::Admin).await.1;
        let current = self.call(Method::GET, path, &admin, None, None).await;
        let version = current.body["version"].as_i64().unwrap_or(1);
        self.call(Method::DELETE, path, token, None, Some(version))
            .await
    }
}

pub struct World {
    pub app: TestApp,
    pub plan_id: Uuid,
    pub challenge_ids: Vec<Uuid>,
    pub admin: String,
    pub steering: String,
    /// Coordinator of Limburg.
    pub coordinator: String,
    /// Contributor for `org_limburg`.
    pub contributor: String,
    pub reader: String,
    pub org_limburg: Uuid,
    pub org_antwerpen: Uuid,
    pub action_id: Uuid,
}

pub fn id_of(body: &Value) -> Uuid {
    body["id"].as_str().expect("id").parse().expect("uuid")
}

impl World {
    pub async fn new() -> Self {
        Self::with_app(TestApp::spawn().await).await
    }

    pub async fn with_app(app: TestApp) -> Self {
        let admin = app.token_for(Role::Admin).await.1;
        let steering = app.token_for(Role::Steering).await.1;
        let coordinator = app.token_for(Role::Coordinator).await.1;
        let reader = app.token_for(Role::Reader).await.1;
        let org_limburg = app.create_organisation("limburg").await;
        let org_antwerpen = app.create_organisation("antwerpen").await;
        let contributor_user = app
            .create_user(Role::Contributor, None, Some(org_limburg))
            .await;
        let contributor = app.login(&contributor_user).await["accessToken"]
            .as_str()
            .expect("token")
            .to_owned();
        let plans = app.get_json("/api/v1/plans", &admin).await;
        let plan_id: Uuid = plans["items"][0]["id"]
            .as_str()
            .expect("seeded plan")
            .parse()
            .expect("uuid");
        let challenges = app
            .get_json(&format!("/api/v1/challenges?plan={plan_id}"), &admin)
            .await;
        let challenge_ids: Vec<Uuid> = challenges["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(id_of)
            .collect();
        assert_eq!(challenge_ids.len(), 8);
        let action = app
            .create(
                "/api/v1/actions",
                &steering,
                json!({"planId": plan_id, "number": 90, "title": "Voorbeeld: actie",
                       "challengeIds": [challenge_ids[7]]}),
            )
            .await;
        Self {
            action_id: id_of(&action),
            app,
            plan_id,
            challenge_ids,
            admin,
            steering,
            coordinator,
            contributor,
            reader,
            org_limburg,
            org_antwerpen,
        }
    }

    /// An initiative in `regions`, led by the Limburg organisation unless told otherwise.
    pub async fn initiative(&self, code: &str, regions: &[&str], lead: Option<Uuid>) -> Value {
        self.app
            .create(
                "/api/v1/initiatives",
                &self.steering,
                json!({"actionId": self.action_id, "code": code, "title": format!("Initiatief {code}"),
                       "leadOrganisationId": lead.unwrap_or(self.org_limburg), "regions": regions}),
            )
            .await
    }
}
