-- Whether a result post is plain text and a card (Discord refused its layout when it was posted),
-- 1, or a layout, 0: the edit saying its link expired is made in the post's own shape at once,
-- never first refused by Discord in the other (a 400 each time). NULL: posted before this was
-- kept (that edit tries the layout first, then plain).
ALTER TABLE jobs ADD COLUMN result_plain INTEGER;
