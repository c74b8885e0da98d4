//! `permissions.*`: sharing with users, groups, domains and anyone; ownership transfer. Access
//! rules themselves live in [`super::model`].

use rusqlite::params;
use serde_json::{json, Value};

use super::common::{self, masked, record_change};
use super::model::{
    can_share, insert_perm, permission_id_for, rank, require, FileRow, PermRow, Store, OWNER,
    READER, ROLES,
};
use super::render::permission_list;
use crate::rest::{ApiError, Ctx, Reply};
use crate::store::users::DOMAIN;

fn perm_not_found(id: &str) -> ApiError {
    ApiError::new(404, "notFound", format!("Permission not found: {id}."))
}

fn share_check(store: &Store, f: &FileRow, ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if can_share(store, f, ctx.user) {
        Ok(())
    } else {
        Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            format!(
                "The user does not have sufficient permissions for file {}.",
                f.id
            ),
        ))
    }
}

/// GET /drive/v3/files/{fileId}/permissions
pub fn list(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?;
    let perms = permission_list(&store, f);
    let out = json!({"kind": "drive#permissionList", "permissions": perms});
    Ok(Reply::ok(masked(ctx, out)?))
}

/// GET /drive/v3/files/{fileId}/permissions/{permissionId}
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let pid = ctx.param("permissionId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?;
    let p = permission_list(&store, f)
        .into_iter()
        .find(|p| p["id"] == pid.as_str())
        .ok_or_else(|| perm_not_found(&pid))?;
    Ok(Reply::ok(masked(ctx, p)?))
}

fn str_field(body: &Value, k: &str) -> Result<Option<String>, ApiError> {
    match body.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_request(format!(
            "Invalid value for field '{k}': expected a string"
        ))),
    }
}

fn check_role(role: &str) -> Result<(), ApiError> {
    if ROLES.contains(&role) {
        Ok(())
    } else {
        Err(ApiError::new(400, "invalidSharingRequest", format!(
            "Invalid permission role '{role}' (owner, organizer, fileOrganizer, writer, commenter or reader)"
        )))
    }
}

fn check_expiration(ctx: &Ctx<'_>, t: &Option<String>) -> Result<(), ApiError> {
    if let Some(t) = t {
        let at = super::query::parse_time(t).ok_or_else(|| {
            ApiError::bad_request(format!("Invalid expirationTime '{t}' (RFC 3339)"))
        })?;
        if at <= ctx.now {
            return Err(ApiError::bad_request(
                "The expiration time must be in the future.",
            ));
        }
    }
    Ok(())
}

/// Makes `email` the owner of `f`; the old owner keeps write access.
fn transfer(ctx: &Ctx<'_>, store: &Store, f: &FileRow, email: &str) -> Result<(), ApiError> {
    if f.owner_id != ctx.user.id {
        return Err(ApiError::new(
            403,
            "insufficientFilePermissions",
            "Only the owner can transfer ownership.",
        ));
    }
    let new_owner = store.user_by_email(email).ok_or_else(|| {
        ApiError::new(400, "invalidSharingRequest", format!("Bad Request. User message: \"{email} is not a known user; ownership can only be transferred to an existing account.\""))
    })?;
    if !new_owner
        .email
        .to_lowercase()
        .ends_with(&format!("@{DOMAIN}"))
        || ctx.user.email.rsplit('@').next() != new_owner.email.rsplit('@').next()
    {
        return Err(ApiError::new(403, "consentRequiredForOwnershipTransfer", format!(
            "Ownership can only be transferred to a user in the same organization as the current owner ({email} is outside it)."
        )));
    }
    if new_owner.id == f.owner_id {
        return Ok(());
    }
    let new_pid = permission_id_for("user", &new_owner.email);
    ctx.db.execute(
        "DELETE FROM drive_permissions WHERE file_id = ?1 AND id = ?2",
        params![f.id, new_pid],
    )?;
    ctx.db.execute(
        "UPDATE drive_files SET owner_id = ?2 WHERE id = ?1",
        params![f.id, new_owner.id],
    )?;
    insert_perm(
        ctx.db,
        &PermRow {
            file_id: f.id.clone(),
            id: permission_id_for("user", &ctx.user.email),
            kind: "user".into(),
            role: "writer".into(),
            email_address: Some(ctx.user.email.clone()),
            domain: None,
            display_name: Some(ctx.user.display_name.clone()),
            allow_file_discovery: None,
            expiration_time: None,
            pending_owner: false,
        },
    )?;
    Ok(())
}

fn reply_for(ctx: &Ctx<'_>, file_id: &str, pid: &str) -> Result<Reply, ApiError> {
    let store = common::store(ctx)?;
    let f = store
        .files
        .get(file_id)
        .ok_or_else(|| super::model::file_not_found(file_id))?;
    let p = permission_list(&store, f)
        .into_iter()
        .find(|p| p["id"] == pid)
        .ok_or_else(|| perm_not_found(pid))?;
    Ok(Reply::ok(masked(ctx, p)?))
}

/// POST /drive/v3/files/{fileId}/permissions
pub fn create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?.clone();
    share_check(&store, &f, ctx)?;
    let body = ctx.body_value()?;
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "The request body must be a Permission object.",
        ));
    }
    let kind = str_field(&body, "type")?.ok_or_else(|| ApiError::required("permission.type"))?;
    let role = str_field(&body, "role")?.ok_or_else(|| ApiError::required("permission.role"))?;
    check_role(&role)?;
    let expiration = str_field(&body, "expirationTime")?;
    check_expiration(ctx, &expiration)?;
    let discover = match body.get("allowFileDiscovery") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Err(ApiError::bad_request(
                "Invalid value for field 'allowFileDiscovery': expected true or false",
            ))
        }
    };
    let transfer_ownership = ctx.query.bool("transferOwnership", false)?;
    let _ = ctx.query.bool("sendNotificationEmail", true)?;
    let perm = match kind.as_str() {
        "user" | "group" => {
            let email = str_field(&body, "emailAddress")?
                .ok_or_else(|| ApiError::required("permission.emailAddress"))?;
            let email = email.trim().to_string();
            if !email.contains('@')
                || email.starts_with('@')
                || email.ends_with('@')
                || email.contains(' ')
            {
                return Err(ApiError::new(
                    400,
                    "invalid",
                    format!("Invalid email address: {email}"),
                ));
            }
            if role == "owner" {
                if !transfer_ownership {
                    return Err(ApiError::new(403, "forbidden", "The transferOwnership parameter must be enabled when the permission role is 'owner'."));
                }
                if kind == "group" {
                    return Err(ApiError::new(
                        400,
                        "invalidSharingRequest",
                        "A group cannot own a file.",
                    ));
                }
                transfer(ctx, &store, &f, &email)?;
                record_change(ctx, &id, false)?;
                return reply_for(ctx, &id, &permission_id_for("user", &email));
            }
            let owner_email = store.user(&f.owner_id).map(|u| u.email.to_lowercase());
            if owner_email.as_deref() == Some(email.to_lowercase().as_str()) {
                return reply_for(ctx, &id, &permission_id_for("user", &email));
            }
            let display = store.user_by_email(&email).map(|u| u.display_name.clone());
            PermRow {
                file_id: id.clone(),
                id: permission_id_for(&kind, &email),
                kind: kind.clone(),
                role: role.clone(),
                email_address: Some(email.to_lowercase()),
                domain: None,
                display_name: display,
                allow_file_discovery: None,
                expiration_time: expiration,
                pending_owner: false,
            }
        }
        "domain" => {
            let domain = str_field(&body, "domain")?
                .ok_or_else(|| ApiError::required("permission.domain"))?;
            if domain.is_empty() || domain.contains('@') || domain.contains(' ') {
                return Err(ApiError::new(
                    400,
                    "invalid",
                    format!("Invalid domain: {domain}"),
                ));
            }
            if role == "owner" {
                return Err(ApiError::new(
                    400,
                    "invalidSharingRequest",
                    "Only a user can own a file.",
                ));
            }
            PermRow {
                file_id: id.clone(),
                id: permission_id_for("domain", &domain),
                kind: kind.clone(),
                role: role.clone(),
                email_address: None,
                display_name: Some(domain.clone()),
                domain: Some(domain.to_lowercase()),
                allow_file_discovery: Some(discover.unwrap_or(false)),
                expiration_time: None,
                pending_owner: false,
            }
        }
        "anyone" => {
            if role == "owner" || rank(&role) > rank("writer") {
                return Err(ApiError::new(
                    400,
                    "invalidSharingRequest",
                    format!("The role '{role}' cannot be given to anyone."),
                ));
            }
            PermRow {
                file_id: id.clone(),
                id: if discover.unwrap_or(false) {
                    "anyone".into()
                } else {
                    "anyoneWithLink".into()
                },
                kind: kind.clone(),
                role: role.clone(),
                email_address: None,
                domain: None,
                display_name: None,
                allow_file_discovery: Some(discover.unwrap_or(false)),
                expiration_time: None,
                pending_owner: false,
            }
        }
        other => {
            return Err(ApiError::new(
                400,
                "invalidSharingRequest",
                format!("Invalid permission type '{other}' (user, group, domain or anyone)"),
            ))
        }
    };
    if perm.kind == "anyone" {
        ctx.db.execute(
            "DELETE FROM drive_permissions WHERE file_id = ?1 AND type = 'anyone'",
            [&id],
        )?;
    }
    insert_perm(ctx.db, &perm)?;
    record_change(ctx, &id, false)?;
    reply_for(ctx, &id, &perm.id)
}

fn direct(ctx: &Ctx<'_>, file_id: &str, pid: &str) -> Result<Option<PermRow>, ApiError> {
    let store = common::store(ctx)?;
    Ok(store
        .direct_perms(file_id)
        .iter()
        .find(|p| p.id == pid)
        .cloned())
}

/// PATCH /drive/v3/files/{fileId}/permissions/{permissionId}
pub fn update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let pid = ctx.param("permissionId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?.clone();
    share_check(&store, &f, ctx)?;
    let body = ctx.body_value()?;
    let role = str_field(&body, "role")?;
    if let Some(r) = &role {
        check_role(r)?;
    }
    let expiration = str_field(&body, "expirationTime")?;
    check_expiration(ctx, &expiration)?;
    let owner_pid = store
        .user(&f.owner_id)
        .map(|u| permission_id_for("user", &u.email));
    if owner_pid.as_deref() == Some(pid.as_str()) {
        return Err(ApiError::new(
            403,
            "cannotModifyOwner",
            "The owner's role cannot be changed; transfer ownership to another user instead.",
        ));
    }
    let Some(mut p) = direct(ctx, &id, &pid)? else {
        let inherited = permission_list(&store, &f)
            .iter()
            .any(|p| p["id"] == pid.as_str());
        return Err(if inherited {
            ApiError::new(
                403,
                "cannotModifyInheritedPermission",
                format!("Permission {pid} is inherited from a parent folder; change it there."),
            )
        } else {
            perm_not_found(&pid)
        });
    };
    if role.as_deref() == Some("owner") {
        if !ctx.query.bool("transferOwnership", false)? {
            return Err(ApiError::new(403, "forbidden", "The transferOwnership parameter must be enabled when the permission role is 'owner'."));
        }
        let email = p.email_address.clone().ok_or_else(|| {
            ApiError::new(400, "invalidSharingRequest", "Only a user can own a file.")
        })?;
        transfer(ctx, &store, &f, &email)?;
        record_change(ctx, &id, false)?;
        return reply_for(ctx, &id, &pid);
    }
    if let Some(r) = role {
        if p.kind == "anyone" && rank(&r) > rank("writer") {
            return Err(ApiError::new(
                400,
                "invalidSharingRequest",
                format!("The role '{r}' cannot be given to anyone."),
            ));
        }
        p.role = r;
    }
    if ctx.query.bool("removeExpiration", false)? {
        p.expiration_time = None;
    } else if expiration.is_some() {
        p.expiration_time = expiration;
    }
    insert_perm(ctx.db, &p)?;
    record_change(ctx, &id, false)?;
    reply_for(ctx, &id, &pid)
}

/// DELETE /drive/v3/files/{fileId}/permissions/{permissionId}
pub fn delete(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let id = ctx.param("fileId").to_string();
    let pid = ctx.param("permissionId").to_string();
    let store = common::store(ctx)?;
    let f = require(&store, &id, ctx.user, READER)?.clone();
    let own = pid == permission_id_for("user", &ctx.user.email);
    if !own {
        share_check(&store, &f, ctx)?;
    }
    let owner_pid = store
        .user(&f.owner_id)
        .map(|u| permission_id_for("user", &u.email));
    if owner_pid.as_deref() == Some(pid.as_str()) {
        return Err(ApiError::new(
            403,
            "cannotRemoveOwner",
            "The owner of a file cannot be removed.",
        ));
    }
    if direct(ctx, &id, &pid)?.is_none() {
        let inherited = permission_list(&store, &f)
            .iter()
            .any(|p| p["id"] == pid.as_str());
        return Err(if inherited {
            ApiError::new(
                403,
                "cannotDeleteInheritedPermission",
                format!("Permission {pid} is inherited from a parent folder; remove it there."),
            )
        } else {
            perm_not_found(&pid)
        });
    }
    let _ = OWNER;
    ctx.db.execute(
        "DELETE FROM drive_permissions WHERE file_id = ?1 AND id = ?2",
        params![id, pid],
    )?;
    record_change(ctx, &id, false)?;
    Ok(Reply::no_content())
}
