-- What is still moving on a case, learnt from asset_search's and disposal's events: controls in effect
-- and disposals not concluded. A case may not be closed as 终结执行, 销案, 不予执行 or 驳回申请 while
-- any is left (查扣冻规定 2020 art. 28; docs/rules.md §5).
CREATE TABLE IF NOT EXISTS ext_controls (
    case_id    text    NOT NULL,
    control_id text    NOT NULL,
    asset_id   text,
    active     boolean NOT NULL,
    PRIMARY KEY (case_id, control_id)
);
ALTER TABLE ext_disposals ADD COLUMN IF NOT EXISTS concluded boolean NOT NULL DEFAULT false;
