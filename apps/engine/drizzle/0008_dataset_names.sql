-- A dataset's name is unique within its workflow, compared trimmed and case-insensitively. Databases from
-- before may hold duplicates: each after the first (oldest) of its group is renamed "<name> (2)", "(3)"…,
-- the first suffix no dataset of the workflow has, so the index below can be built.
DO $$
DECLARE
	dup record;
	n integer;
	candidate text;
BEGIN
	FOR dup IN
		SELECT ranked.id, ranked.workflow_id, btrim(ranked.name) AS base
		FROM (
			SELECT id, workflow_id, name, created_at,
				row_number() OVER (PARTITION BY workflow_id, lower(btrim(name)) ORDER BY created_at, id) AS nth
			FROM datasets
		) ranked
		WHERE ranked.nth > 1
		ORDER BY ranked.workflow_id, ranked.created_at, ranked.id
	LOOP
		n := 2;
		LOOP
			candidate := dup.base || ' (' || n || ')';
			EXIT WHEN NOT EXISTS (
				SELECT 1 FROM datasets WHERE workflow_id = dup.workflow_id AND lower(btrim(name)) = lower(candidate)
			);
			n := n + 1;
		END LOOP;
		UPDATE datasets SET name = candidate, updated_at = now() WHERE id = dup.id;
	END LOOP;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "datasets_workflow_name_key" ON "datasets" USING btree ("workflow_id",lower(btrim("name")));
