use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use ssw_api::domain::Role;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::helpers::{TestApp, assert_problem};

#[actix_web::test]
async fn liveness_and_readiness_answer_ok() {
    let app = TestApp::spawn().await;
    assert_eq!(
        app.get("/health/live").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/health/ready").send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = TestApp::spawn().await;
    app.get("/api/v1/regions").send().await.unwrap();
    let text = app
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"ssw_http_requests_total{endpoint="/api/v1/regions",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("ssw_http_requests_duration_seconds_bucket"));
    assert!(text.contains("ssw_db_pool_max_connections 4"));
    // The scrape itself is the one request being handled.
    assert!(text.contains("ssw_http_requests_in_flight 1\n"), "{text}");
}

/// The instance's connections are shared out between its workers, each
/// with a pool of its own: the metrics show the pools of all of them.
#[actix_web::test]
async fn the_workers_share_the_pool_size_and_the_metrics_show_all_their_pools() {
    let app = TestApp::spawn_with(|s| {
        s.workers = 2;
        s.database.db_pool_size = 5;
    })
    .await;
    let pools = |text: &str| {
        let gauge = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("ssw_db_pool_{name} ")))
                .and_then(|v| v.parse::<usize>().ok())
        };
        (gauge("max_connections"), gauge("connections"))
    };
    // Both workers take their pools as they start; 3 and 2 connections.
    let mut seen = (None, None);
    for _ in 0..50 {
        let text = app
            .get("/metrics")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        seen = pools(&text);
        if seen.0 == Some(5) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen.0, Some(5), "max_connections, connections: {seen:?}");
    // Concurrent reads on both workers never open more than the instance's five.
    let reads =
        (0..40).map(|_| async { app.get("/api/v1/regions").send().await.unwrap().status() });
    for status in futures_util::future::join_all(reads).await {
        assert_eq!(status, StatusCode::OK);
    }
    let text = app
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let (max, open) = pools(&text);
    assert_eq!(max, Some(5));
    assert!(open.is_some_and(|n| (1..=5).contains(&n)), "{open:?}");
}

/// A TCP proxy in front of PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    cut: Arc<Notify>,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let cut = Arc::new(Notify::new());
        let (up2, cut2) = (up.clone(), cut.clone());
        actix_web::rt::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                if !up2.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                let target = target.clone();
                let cut = cut2.clone();
                actix_web::rt::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.notified() => {}
                    }
                });
            }
        });
        Self { port, up, cut }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.notify_waiters();
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// A second application on `direct`'s database, reached through a proxy the
/// test can cut.
async fn behind_proxy(direct: &TestApp) -> (Proxy, TestApp) {
    let url = reqwest::Url::parse(&direct.database_url).unwrap();
    let proxy = Proxy::start(format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port().unwrap_or(5432)
    ))
    .await;
    let mut proxied_url = url.clone();
    proxied_url.set_port(Some(proxy.port)).unwrap();
    let proxied_url = proxied_url.to_string();
    let app = TestApp::spawn_with(move |s| s.database.database_url = proxied_url).await;
    (proxy, app)
}

#[actix_web::test]
async fn with_the_database_gone_the_api_answers_503_and_recovers_by_itself() {
    let direct = TestApp::spawn().await;
    let (_, token) = direct.token_for(Role::Admin).await;
    drop(token);
    // A second application on the same database, reached through the proxy.
    let (proxy, app) = behind_proxy(&direct).await;
    assert_eq!(
        app.get("/health/ready").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/regions").send().await.unwrap().status(),
        StatusCode::OK
    );

    proxy.down();
    for path in ["/api/v1/regions", "/health/ready", "/api/v1/regions"] {
        let response = app.get(path).send().await.unwrap();
        assert!(
            response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    }
    let response = app
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({"email": "a@example.org", "password": "x"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        app.get("/health/live").send().await.unwrap().status(),
        StatusCode::OK
    );

    proxy.restore();
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/api/v1/regions").send().await.unwrap().status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        recovered,
        "the service did not recover after the database came back"
    );
}

/// A write load while the database goes away and comes back: every answer is a
/// 201 or a 503 with `Retry-After` within the pool timeout (never a 500, never
/// a hang), writes succeed again within seconds without a restart, and every
/// acknowledged write is in the database afterwards.
#[actix_web::test]
async fn acknowledged_writes_survive_a_database_outage_under_load() {
    let direct = TestApp::spawn().await;
    let (proxy, app) = behind_proxy(&direct).await;
    let app = Arc::new(app);
    // The account lives in the database behind the proxy; the proxied service signs the token.
    let user = direct.create_user(Role::Steering, None, None).await;
    let token = app.login(&user).await["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();

    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (app, token, stop) = (app.clone(), token.clone(), stop.clone());
        writers.push(actix_web::rt::spawn(async move {
            let mut acknowledged = Vec::new();
            let mut refused = 0;
            let mut problems = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                n += 1;
                let started = std::time::Instant::now();
                let body = serde_json::json!({"name": format!("Load {writer}-{n}"), "kind": "caw", "regionId": "limburg"});
                let response = app
                    .post_json("/api/v1/organisations", &body)
                    .bearer_auth(&token)
                    .timeout(Duration::from_secs(10))
                    .send()
                    .await;
                let elapsed = started.elapsed();
                match response {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let created: serde_json::Value = r.json().await.unwrap();
                        acknowledged.push(created["id"].as_str().unwrap().to_owned());
                    }
                    Ok(r) if r.status() == StatusCode::SERVICE_UNAVAILABLE => {
                        refused += 1;
                        if !r.headers().contains_key("retry-after") {
                            problems.push("a 503 without Retry-After".to_owned());
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Ok(r) => problems.push(format!("unexpected {}", r.status())),
                    Err(e) => problems.push(format!("no answer: {e}")),
                }
                // The pool waits at most its timeout (2 s here) for a connection.
                if elapsed > Duration::from_secs(5) {
                    problems.push(format!("an answer took {elapsed:?}"));
                }
            }
            (acknowledged, refused, problems)
        }));
    }

    tokio::time::sleep(Duration::from_millis(800)).await;
    proxy.down();
    tokio::time::sleep(Duration::from_secs(3)).await;
    proxy.restore();
    let restored = std::time::Instant::now();
    // Writes are accepted again without a restart.
    let mut recovered = None;
    while restored.elapsed() < Duration::from_secs(15) {
        let response = app
            .post_json(
                "/api/v1/organisations",
                &serde_json::json!({"name": "Probe", "kind": "caw", "regionId": "limburg"}),
            )
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::CREATED {
            recovered = Some(restored.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);

    let mut acknowledged = Vec::new();
    let mut refused = 0;
    let mut problems = Vec::new();
    for writer in writers {
        let (a, r, p) = writer.await.unwrap();
        acknowledged.extend(a);
        refused += r;
        problems.extend(p);
    }
    assert!(problems.is_empty(), "{problems:?}");
    let recovered = recovered.expect("writes did not recover after the database came back");
    assert!(recovered < Duration::from_secs(10), "{recovered:?}");
    assert!(refused > 0, "the outage refused no write");
    assert!(
        acknowledged.len() > 4,
        "too few writes: {}",
        acknowledged.len()
    );
    eprintln!(
        "{} writes acknowledged, {refused} refused with 503, writes again {recovered:?} after the database returned",
        acknowledged.len()
    );

    // Every acknowledged write is there, read straight from the database.
    let (_, admin) = direct.token_for(Role::Admin).await;
    for id in &acknowledged {
        let response = direct
            .get(&format!("/api/v1/organisations/{id}"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "acknowledged {id} is missing"
        );
    }
}
