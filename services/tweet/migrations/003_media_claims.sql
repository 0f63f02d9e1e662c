-- When a verification pass last claimed a pending media: each pass claims a bounded batch, least
-- recently claimed first, so replicas polling at once share the pending uploads instead of each
-- reading every one from the bucket, and no upload waits behind a full batch of older ones.
ALTER TABLE media ADD COLUMN claimed_at timestamptz;
