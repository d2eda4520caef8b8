//! Document bytes in the object store: local disk by default, S3 by
//! configuration. Keys are opaque ids, never file names.
//!
//! An upload streams through here once: counted against the limit, hashed,
//! its type judged from its first bytes, and written in parts, so memory stays
//! flat whatever the size. A failed upload is aborted and leaves no object.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use futures::{Stream, StreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use shared::DocumentCategory;

use crate::config::StoreConfig;
use crate::domain::files::{self, MediaType, SNIFF_BYTES};
use crate::domain::values::Invalid;

/// How many parts may be in flight at once; with 5 MiB parts this bounds the
/// memory one upload holds to about 20 MiB.
const PARTS_IN_FLIGHT: usize = 4;

#[derive(Clone)]
pub struct Store {
    pub inner: Arc<dyn ObjectStore>,
    /// The local folder when documents are on this disk, for fsync.
    local_root: Option<PathBuf>,
}

/// What an upload turned out to be once all its bytes were stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub size_bytes: u64,
    pub sha256: String,
    pub media_type: MediaType,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Refused(Invalid),
    #[error("the upload was interrupted: {0}")]
    Interrupted(String),
    #[error("the document store failed")]
    Store(#[from] anyhow::Error),
}

impl Store {
    pub fn build(config: &StoreConfig) -> anyhow::Result<Store> {
        match config {
            StoreConfig::Local(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the document folder {}", dir.display()))?;
                let dir = dir.canonicalize()?;
                let fs = LocalFileSystem::new_with_prefix(&dir)?;
                Ok(Store {
                    inner: Arc::new(fs),
                    local_root: Some(dir),
                })
            }
            StoreConfig::S3(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_allow_http(s3.allow_http);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_virtual_hosted_style_request(false);
                }
                if let (Some(id), Some(secret)) = (&s3.access_key_id, &s3.secret_access_key) {
                    builder = builder
                        .with_access_key_id(id)
                        .with_secret_access_key(secret.expose());
                }
                Ok(Store {
                    inner: Arc::new(builder.build()?),
                    local_root: None,
                })
            }
        }
    }

    /// Streams `body` to `key`, refusing it as soon as it exceeds `limit` or its
    /// first bytes are not of a type `category` accepts.
    pub async fn put_document<S, E>(
        &self,
        key: &Path,
        category: DocumentCategory,
        body: S,
        limit: u64,
    ) -> Result<Stored, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let mut upload = Upload::new(self, key, category, limit);
        let mut body = body;
        let outcome = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
                upload.push(chunk).await?;
            }
            upload.finish().await
        }
        .await;
        if outcome.is_err() {
            upload.abort().await;
        }
        outcome
    }

    /// Streams `body` to `key` as it is, refusing it past `limit` bytes:
    /// one chunk of a resumable upload. Answers how many bytes it held.
    pub async fn put_part<S, E>(&self, key: &Path, body: S, limit: u64) -> Result<u64, UploadError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let multipart = self
            .inner
            .put_multipart(key)
            .await
            .map_err(anyhow::Error::from)?;
        let mut writer = WriteMultipart::new(multipart);
        let mut body = body;
        let mut size = 0u64;
        let outcome = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| UploadError::Interrupted(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(UploadError::TooLarge { limit });
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(anyhow::Error::from)?;
                writer.write(&chunk);
            }
            Ok(())
        }
        .await;
        match outcome {
            Ok(()) => {
                writer.finish().await.map_err(anyhow::Error::from)?;
                self.make_durable(key).await?;
                Ok(size)
            }
            Err(err) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, object = %key, "could not abort a chunk");
                }
                Err(err)
            }
        }
    }

    /// The bytes of `keys` one after another, as one stream, read as needed.
    ///
    /// On the local disk the files are read directly in 1 MiB pieces:
    /// object_store's local reader hands out 8 KiB at a time, each from a
    /// blocking task of its own, which made completing a 2 GiB upload take
    /// six times as long as receiving it (`bench/run upload`).
    pub fn concatenated(
        &self,
        keys: Vec<Path>,
    ) -> impl Stream<Item = std::io::Result<Bytes>> + Send + Unpin + 'static {
        use futures::TryStreamExt;
        const READ_BYTES: usize = 1024 * 1024;
        let store = self.inner.clone();
        let root = self.local_root.clone();
        let parts = futures::stream::iter(keys).then(move |key| {
            let (store, root) = (store.clone(), root.clone());
            async move {
                let part: futures::stream::BoxStream<'static, std::io::Result<Bytes>> = match root {
                    Some(root) => {
                        let file = tokio::fs::File::open(root.join(key.as_ref())).await?;
                        tokio_util::io::ReaderStream::with_capacity(file, READ_BYTES).boxed()
                    }
                    None => store
                        .get(&key)
                        .await
                        .map_err(std::io::Error::other)?
                        .into_stream()
                        .map_err(std::io::Error::other)
                        .boxed(),
                };
                std::io::Result::Ok(part)
            }
        });
        Box::pin(parts.try_flatten())
    }

    /// Objects under `prefix` last changed before `before`: candidates for the
    /// sweep.
    pub async fn older_than(
        &self,
        prefix: &str,
        before: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<Vec<Path>> {
        use futures::TryStreamExt;
        let listed: Vec<object_store::ObjectMeta> = self
            .inner
            .list(Some(&Path::from(prefix)))
            .try_collect()
            .await?;
        Ok(listed
            .into_iter()
            .filter(|meta| meta.last_modified < before)
            .map(|meta| meta.location)
            .collect())
    }

    /// Forces a finished object to disk, so that its database row never
    /// points at bytes a power cut could take back. S3 is durable on success.
    async fn make_durable(&self, key: &Path) -> anyhow::Result<()> {
        let Some(root) = &self.local_root else {
            return Ok(());
        };
        let file = root.join(key.as_ref());
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            std::fs::File::open(&file)?.sync_all()?;
            if let Some(dir) = file.parent() {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        })
        .await
        .context("fsync task")?
        .context("fsync of a stored document")
    }

    pub async fn delete_quietly(&self, key: &Path) {
        if let Err(err) = self.inner.delete(key).await {
            tracing::warn!(error = %err, object = %key, "could not remove an orphaned object");
        }
    }

    pub async fn ping(&self) -> bool {
        use futures::TryStreamExt;
        let mut listing = self.inner.list(Some(&Path::from("health")));
        listing.try_next().await.is_ok()
    }
}

/// One upload in progress.
struct Upload<'a> {
    store: &'a Store,
    key: &'a Path,
    category: DocumentCategory,
    limit: u64,
    size: u64,
    hasher: Sha256,
    /// The first bytes, held until the type is known.
    head: Vec<u8>,
    media_type: Option<MediaType>,
    writer: Option<WriteMultipart>,
}

impl<'a> Upload<'a> {
    fn new(store: &'a Store, key: &'a Path, category: DocumentCategory, limit: u64) -> Self {
        Upload {
            store,
            key,
            category,
            limit,
            size: 0,
            hasher: Sha256::new(),
            head: Vec::new(),
            media_type: None,
            writer: None,
        }
    }

    async fn push(&mut self, chunk: Bytes) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge { limit: self.limit });
        }
        self.hasher.update(&chunk);
        match &mut self.writer {
            Some(writer) => {
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(anyhow::Error::from)?;
                writer.write(&chunk);
            }
            None => {
                self.head.extend_from_slice(&chunk);
                if self.head.len() >= SNIFF_BYTES {
                    self.start().await?;
                }
            }
        }
        Ok(())
    }

    /// Judges the type from the held bytes and, if accepted, opens the object.
    async fn start(&mut self) -> Result<(), UploadError> {
        let media_type =
            files::check_type(self.category, &self.head).map_err(UploadError::Refused)?;
        let multipart = self
            .store
            .inner
            .put_multipart(self.key)
            .await
            .map_err(anyhow::Error::from)?;
        let mut writer = WriteMultipart::new(multipart);
        writer.write(&std::mem::take(&mut self.head));
        self.media_type = Some(media_type);
        self.writer = Some(writer);
        Ok(())
    }

    async fn finish(&mut self) -> Result<Stored, UploadError> {
        if self.writer.is_none() {
            self.start().await?;
        }
        let writer = self.writer.take().expect("started above");
        writer.finish().await.map_err(anyhow::Error::from)?;
        self.store.make_durable(self.key).await?;
        Ok(Stored {
            size_bytes: self.size,
            sha256: hex::encode(std::mem::take(&mut self.hasher).finalize()),
            media_type: self.media_type.expect("set with the writer"),
        })
    }

    async fn abort(&mut self) {
        if let Some(writer) = self.writer.take()
            && let Err(err) = writer.abort().await
        {
            tracing::warn!(error = %err, object = %self.key, "could not abort an upload");
        }
    }
}
