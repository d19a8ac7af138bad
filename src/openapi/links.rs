//! Links in the document from each create to what can be done with the
//! created record.

/// Links from each create to what can be done with the created record: the
/// operations on the record's path and one level below it, under the
/// collection and, for a record created under another (a progress update), at
/// its own path. The record is named by the field its path names it by (`id`,
/// `nisCode`), parameters of the collection's own path are the request's, and
/// `If-Match` is the response's `ETag`.
pub(super) fn add_links(doc: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    // The operations on paths `{prefix}{name}}…` with no further parameter.
    let below = |prefix: &str| -> Vec<(String, &Value)> {
        paths
            .iter()
            .filter_map(|(path, item)| {
                let rest = path.strip_prefix(prefix)?;
                (!rest.contains('{')).then_some(item)
            })
            .filter_map(Value::as_object)
            .flat_map(|ops| ops.values())
            .map(|op| (prefix.to_owned(), op))
            .collect()
    };
    let mut links: Vec<(String, String, Value)> = Vec::new();
    for (collection, item) in paths {
        if item["post"]["responses"].get("201").is_none() {
            continue;
        }
        let under = format!("{collection}/{{");
        let last = collection.rsplit('/').next().unwrap_or_default();
        let own = format!("{}/{last}/{{", crate::http::API_BASE);
        let mut targets = below(&under);
        if own != under {
            targets.extend(below(&own));
        }
        // The record is named by the created body's field that its path
        // `{collection}/{key}` names (a municipality's `nisCode`), else by `id`.
        let created =
            item["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .map(|name| &doc["components"]["schemas"][name]["properties"]);
        let key = paths
            .keys()
            .find_map(|p| p.strip_prefix(&under)?.strip_suffix('}'))
            .filter(|k| !k.contains(['/', '{']))
            .filter(|k| created.is_some_and(|props| props.get(*k).is_some()))
            .unwrap_or("id");
        let key = format!("$response.body#/{key}");
        for (prefix, op) in targets {
            let Some(operation_id) = op["operationId"].as_str() else {
                continue;
            };
            let mut parameters = serde_json::Map::new();
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap_or_default();
                let value = match parameter["in"].as_str() {
                    Some("path")
                        if prefix == under && collection.contains(&format!("{{{name}}}")) =>
                    {
                        format!("$request.path.{name}")
                    }
                    Some("path") => key.clone(),
                    Some("header") if name == "If-Match" => "$response.header.ETag".to_owned(),
                    _ => continue,
                };
                let place = parameter["in"].as_str().unwrap_or_default();
                parameters.insert(format!("{place}.{name}"), value.into());
            }
            if parameters.is_empty() {
                continue;
            }
            links.push((
                collection.clone(),
                operation_id.to_owned(),
                json!({"operationId": operation_id, "parameters": parameters}),
            ));
        }
    }
    for (collection, name, link) in links {
        if let Some(response) = doc
            .pointer_mut(&format!(
                "/paths/{}/post/responses/201",
                collection.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
        {
            let entry = response.entry("links").or_insert_with(|| json!({}));
            entry[name] = link;
        }
    }
}
