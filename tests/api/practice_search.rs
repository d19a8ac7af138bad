//! Searching practices in Dutch as people write it: stems and accents,
//! compound words, typing errors, phrases, exclusion and prefixes; ranking,
//! safe snippets, facets, and a clear answer for a query with nothing to find.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::World;
use crate::helpers::assert_problem;

struct Corpus {
    w: World,
}

/// One practice as steering writes it: published unless `status` says not.
async fn add(w: &World, token: &str, practice: Value) -> Value {
    let res = w
        .app
        .request(Method::POST, "/api/v1/practices")
        .bearer_auth(token)
        .json(&practice)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

impl Corpus {
    async fn new() -> Self {
        let w = World::new().await;
        let c = |i: usize| w.challenge_ids[i].to_string();
        let published = |title: &str, summary: &str, body: &str, region: &str, theme: &str| {
            json!({"title": title, "summary": summary, "body": body, "regionId": region,
                   "regions": [region], "themes": [theme], "status": "published",
                   "publishedOn": "2026-03-01"})
        };
        let mut p = published(
            "Jongeren in Antwerpen vinden hun weg naar hulp",
            "Een open spreekuur in de jeugdwerking.",
            "Elke woensdag, zonder afspraak.",
            "antwerpen",
            "youth",
        );
        p["challengeIds"] = json!([c(0)]);
        add(&w, &w.steering, p).await;
        add(
            &w,
            &w.steering,
            published(
                "Coördinatie van vrijwilligers in de wijk",
                "Een buurtvereniging brengt hulpvragen en helpers samen.",
                "Met één digitaal prikbord.",
                "west-vlaanderen",
                "volunteering",
            ),
        )
        .await;
        let mut p = published(
            "Armoedebestrijding op lokaal niveau",
            "Het OCMW, het CAW en de ziekenfondsen gaan samen op huisbezoek.",
            "Een **vast team** voor de hele gemeente.",
            "limburg",
            "poverty",
        );
        p["challengeIds"] = json!([c(1)]);
        p["evidence"] = json!({"level": "effective"});
        add(&w, &w.steering, p).await;
        let mut p = published(
            "Wijkgezondheidscentrum als toegangspoort",
            "Wie bij de huisarts over geldzorgen vertelt, wordt meteen doorverwezen.",
            "## Aanpak\n\nEen antwoord op armoede en schulden.",
            "limburg",
            "health",
        );
        p["challengeIds"] = json!([c(1)]);
        add(&w, &w.steering, p).await;
        let mut p = published(
            "Armoede bij gezinnen met jonge kinderen",
            "Een aanpak voor gezinnen in kansarmoede.",
            "",
            "antwerpen",
            "poverty",
        );
        p["challengeIds"] = json!([c(0)]);
        p["evidence"] = json!({"level": "described"});
        add(&w, &w.steering, p).await;
        add(
            &w,
            &w.steering,
            published(
                "Lokaal overleg op niveau van de eerstelijnszone",
                "Het centrum voor geestelijke gezondheid en de welzijnsactoren overleggen.",
                "",
                "oost-vlaanderen",
                "care",
            ),
        )
        .await;
        add(
            &w,
            &w.steering,
            published(
                "Schuldhulp <script>alert(1)</script> in de wijk",
                "Budgetbegeleiding <img src=x onerror=alert(1)> voor wie schulden heeft.",
                "",
                "vlaams-brabant",
                "debt",
            ),
        )
        .await;
        // A draft of Limburg's coordinator, and an archived practice.
        add(
            &w,
            &w.coordinator,
            json!({"title": "Armoede in de wijk: een ontwerp", "summary": "Nog niet klaar.",
                   "regions": ["limburg"], "themes": ["poverty"]}),
        )
        .await;
        let old = add(
            &w,
            &w.steering,
            published(
                "Armoedeplan van vroeger",
                "Vervangen door een nieuw plan.",
                "",
                "limburg",
                "poverty",
            ),
        )
        .await;
        let res = w
            .app
            .request(Method::PATCH, old["self"].as_str().unwrap())
            .bearer_auth(&w.steering)
            .header("if-match", format!("\"{}\"", old["version"]))
            .header("content-type", "application/merge-patch+json")
            .body(json!({"status": "archived"}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        Self { w }
    }

    async fn search(&self, token: &str, query: &str) -> (StatusCode, Value) {
        let res = self
            .w
            .app
            .request(Method::GET, &format!("/api/v1/practices?{query}"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap())
    }

    /// The titles a reader finds for `q`, best first.
    async fn titles(&self, q: &str) -> Vec<String> {
        let query = format!("q={}", urlencoding(q));
        let (status, page) = self.search(&self.w.reader, &query).await;
        assert_eq!(status, StatusCode::OK, "{q}: {page}");
        titles(&page)
    }
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

fn urlencoding(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

const JONGEREN: &str = "Jongeren in Antwerpen vinden hun weg naar hulp";
const VRIJWILLIGERS: &str = "Coördinatie van vrijwilligers in de wijk";
const ARMOEDEBESTRIJDING: &str = "Armoedebestrijding op lokaal niveau";
const WIJKGEZONDHEID: &str = "Wijkgezondheidscentrum als toegangspoort";
const GEZINNEN: &str = "Armoede bij gezinnen met jonge kinderen";
const OVERLEG: &str = "Lokaal overleg op niveau van de eerstelijnszone";

#[actix_web::test]
async fn dutch_as_people_write_it_finds_what_it_should_and_nothing_else() {
    let s = Corpus::new().await;
    // Stems and accents.
    // ("jonge kinderen" shares the stem.)
    assert!(s.titles("jongere").await.contains(&JONGEREN.to_owned()));
    assert_eq!(s.titles("coordinatie").await, [VRIJWILLIGERS]);
    assert_eq!(s.titles("Coördinatie").await, [VRIJWILLIGERS]);
    // Compound words, which snowball alone never splits.
    let armoede = s.titles("armoede").await;
    assert_eq!(armoede.len(), 3, "{armoede:?}");
    assert!(
        armoede.contains(&ARMOEDEBESTRIJDING.to_owned()),
        "{armoede:?}"
    );
    assert_eq!(s.titles("gezondheidscentrum").await, [WIJKGEZONDHEID]);
    assert_eq!(s.titles("bestrijding").await, [ARMOEDEBESTRIJDING]);
    // The parts of a compound must stand together: "centrum voor geestelijke
    // gezondheid" is no gezondheidscentrum.
    assert!(
        !s.titles("gezondheidscentrum")
            .await
            .contains(&OVERLEG.to_owned())
    );
    // A word inside another is not a match.
    assert!(s.titles("arm").await.is_empty());
    // Phrases, exclusion, prefixes, or.
    assert_eq!(s.titles("\"lokaal niveau\"").await, [ARMOEDEBESTRIJDING]);
    let lokaal = s.titles("lokaal niveau").await;
    assert_eq!(lokaal.len(), 2, "both words, anywhere: {lokaal:?}");
    let without = s.titles("armoede -gezinnen").await;
    assert!(
        without.contains(&ARMOEDEBESTRIJDING.to_owned()),
        "{without:?}"
    );
    assert!(!without.contains(&GEZINNEN.to_owned()), "{without:?}");
    let prefixed = s.titles("armoe*").await;
    assert!(
        prefixed.contains(&ARMOEDEBESTRIJDING.to_owned())
            && prefixed.contains(&GEZINNEN.to_owned())
    );
    assert_eq!(s.titles("vrijwil*").await, [VRIJWILLIGERS]);
    assert_eq!(s.titles("jeugdwerking or huisarts").await.len(), 2);
    // Neither a draft nor an archived practice is found by default.
    assert!(
        !armoede
            .iter()
            .any(|t| t.contains("ontwerp") || t.contains("vroeger"))
    );
}

#[actix_web::test]
async fn a_typing_error_finds_the_practice_and_says_what_it_searched() {
    let s = Corpus::new().await;
    let (status, page) = s.search(&s.w.reader, "q=vrijwiligers").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(titles(&page), [VRIJWILLIGERS]);
    assert_eq!(
        page["search"],
        json!({"q": "vrijwiligers", "suggestion": "vrijwilligers", "limited": false})
    );
    assert!(
        page["items"][0]["match"]["titleHtml"]
            .as_str()
            .unwrap()
            .contains("<mark>vrijwilligers</mark>"),
        "{page}"
    );
    // A word that finds practices is not "corrected".
    let (_, page) = s.search(&s.w.reader, "q=gezondheidscentrum").await;
    assert!(page["search"].get("suggestion").is_none(), "{page}");
}

#[actix_web::test]
async fn the_title_ranks_above_the_summary_above_the_body_and_pages_follow_the_rank() {
    let s = Corpus::new().await;
    let armoede = s.titles("armoede").await;
    assert_eq!(
        armoede.last().unwrap(),
        WIJKGEZONDHEID,
        "only its body says armoede: {armoede:?}"
    );
    let (_, first) = s.search(&s.w.reader, "q=armoede").await;
    let ranks: Vec<f64> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["match"]["rank"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|r| r[0] >= r[1]), "{ranks:?}");
    // Page by page, the same order and the same total.
    for (i, title) in armoede.iter().enumerate() {
        let (_, page) = s
            .search(&s.w.reader, &format!("q=armoede&pageSize=1&page={}", i + 1))
            .await;
        assert_eq!(page["total"], 3);
        assert_eq!(titles(&page), std::slice::from_ref(title));
        assert!(
            page["self"].as_str().unwrap().contains("sort=relevance"),
            "{page}"
        );
    }
    // Another sort orders the same matches.
    let (_, by_title) = s.search(&s.w.reader, "q=armoede&sort=title").await;
    let mut sorted = armoede.clone();
    sorted.sort();
    assert_eq!(titles(&by_title), sorted);
    assert!(by_title["items"][0]["match"].is_object());
}

#[actix_web::test]
async fn snippets_are_escaped_text_with_marks_only() {
    let s = Corpus::new().await;
    let (status, page) = s.search(&s.w.reader, "q=schulden").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 2, "{page}");
    let hostile = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().starts_with("Schuldhulp"))
        .expect("the practice with markup in its text");
    let title = hostile["match"]["titleHtml"].as_str().unwrap();
    let snippet = hostile["match"]["snippetHtml"].as_str().unwrap();
    for html in [title, snippet] {
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        let without_marks = html.replace("<mark>", "").replace("</mark>", "");
        assert!(!without_marks.contains('<'), "{html}");
    }
    assert!(
        title.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{title}"
    );
    assert!(
        snippet.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{snippet}"
    );
    assert!(snippet.contains("<mark>schulden</mark>"), "{snippet}");
}

#[actix_web::test]
async fn facets_count_what_the_caller_finds_and_never_a_draft() {
    let s = Corpus::new().await;
    let w = &s.w;
    // Steering sees the draft in the list, but facets leave it out.
    let (status, page) = s.search(&w.steering, "q=armoede&facets=true").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 4, "three published and the draft: {page}");
    let facets = &page["facets"];
    assert_eq!(
        facets["themes"],
        json!([{"value": "poverty", "count": 2}, {"value": "health", "count": 1}])
    );
    assert_eq!(
        facets["regions"],
        json!([{"value": "limburg", "count": 2}, {"value": "antwerpen", "count": 1}])
    );
    assert_eq!(
        facets["challenges"],
        json!([{"value": w.challenge_ids[1].to_string(), "count": 2},
               {"value": w.challenge_ids[0].to_string(), "count": 1}])
    );
    assert_eq!(
        facets["evidenceLevels"],
        json!([{"value": "described", "count": 1}, {"value": "effective", "count": 1}])
    );
    // Combined with a filter, for a reader.
    let (_, page) = s
        .search(&w.reader, "q=armoede&region=limburg&facets=true")
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(
        page["facets"]["regions"],
        json!([{"value": "limburg", "count": 2}])
    );
    // Archived practices count when asked for.
    let (_, page) = s
        .search(&w.reader, "q=armoedeplan&status=archived&facets=true")
        .await;
    assert_eq!(titles(&page), ["Armoedeplan van vroeger"]);
    assert_eq!(
        page["facets"]["themes"],
        json!([{"value": "poverty", "count": 1}])
    );
    // Without q: every practice the filter selects.
    let (_, page) = s.search(&w.reader, "facets=true&theme=poverty").await;
    assert_eq!(page["total"], 2);
    assert!(page.get("search").is_none());
}

#[actix_web::test]
async fn a_query_with_nothing_to_search_for_gets_a_clear_answer() {
    let s = Corpus::new().await;
    let token = &s.w.reader;
    for (query, says) in [
        ("q=de%20het%20een", "too common"),
        ("q=%20%20", "is empty"),
        ("q=", "is empty"),
        ("q=!!!%20%26%20%7C", "no word"),
        ("sort=relevance", "give q"),
    ] {
        let res =
            s.w.app
                .request(Method::GET, &format!("/api/v1/practices?{query}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{query}");
        let problem = assert_problem(res, StatusCode::BAD_REQUEST, "validation").await;
        assert!(problem.to_string().contains(says), "{query}: {problem}");
    }
    // Operators and quotes that mean nothing are searched as words, not errors.
    for q in [
        "\"armoede",
        "-",
        "*",
        "armoede or",
        "or armoede",
        "a:*",
        "'x' <-> y",
        "armoede!",
    ] {
        let (status, page) = s.search(token, &format!("q={}", urlencoding(q))).await;
        assert!(
            status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
            "{q}: {page}"
        );
    }
}

#[actix_web::test]
async fn a_ranked_search_lists_the_first_thousand_matches_and_says_there_are_more() {
    let w = World::new().await;
    let mut conn = ssw_api::storage::connection(&w.app.pool).await.unwrap();
    // 1,005 matches: one in its title, the rest in their summaries.
    diesel_async::RunQueryDsl::execute(
        diesel::sql_query(
            "INSERT INTO practices (title, summary, body_text, status, published_on) \
             SELECT 'Praktijk ' || g, 'Over mantelzorg, deel ' || g, '', 'published', DATE '2026-01-01' \
               FROM generate_series(1, 1004) g \
             UNION ALL SELECT 'Mantelzorg in de buurt', 'Samen', '', 'published', DATE '2026-01-01'",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let get = |query: String| {
        let w = &w;
        async move {
            let res = w
                .app
                .request(Method::GET, &format!("/api/v1/practices?{query}"))
                .bearer_auth(&w.reader)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<Value>().await.unwrap()
        }
    };
    let mut seen = std::collections::HashSet::new();
    let mut last = f64::INFINITY;
    for page in 1..=6 {
        let body = get(format!("q=mantelzorg&pageSize=200&page={page}&facets=true")).await;
        assert_eq!(body["total"], 1000);
        assert_eq!(body["search"]["limited"], true);
        assert_eq!(body["facets"]["themes"], json!([]));
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), if page < 6 { 200 } else { 0 }, "page {page}");
        for item in items {
            let rank = item["match"]["rank"].as_f64().unwrap();
            assert!(rank <= last, "best first");
            last = rank;
            assert!(
                seen.insert(item["id"].as_str().unwrap().to_owned()),
                "twice: {item}"
            );
        }
    }
    assert_eq!(seen.len(), 1000);
    // Another order pages through every match.
    let by_title = get("q=mantelzorg&sort=title&pageSize=200&page=6".into()).await;
    assert_eq!(by_title["total"], 1005);
    assert_eq!(by_title["search"]["limited"], false);
    assert_eq!(by_title["items"].as_array().unwrap().len(), 5);
    // A narrower search is not limited.
    let narrow = get("q=%22mantelzorg%20in%20de%20buurt%22".into()).await;
    assert_eq!(narrow["total"], 1);
    assert_eq!(narrow["search"]["limited"], false);
}
