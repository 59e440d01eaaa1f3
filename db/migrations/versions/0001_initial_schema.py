"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=60), nullable=True),
    sa.Column('sector', sa.String(length=60), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('name', name=op.f('uq_agency_name'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('operation', sa.String(length=20), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.String(length=60), nullable=True),
    sa.Column('field', sa.String(length=60), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_entry_record', ['table_name', 'record_id'], unique=False)

    op.create_table('clock_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('start_event', sa.String(length=60), nullable=False),
    sa.Column('done_event', sa.String(length=60), nullable=True),
    sa.Column('applies_from', sa.Date(), nullable=True),
    sa.Column('applies_until', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("unit IN ('working_days', 'days', 'months')", name=op.f('ck_clock_rule_unit')),
    sa.CheckConstraint('length >= 0', name=op.f('ck_clock_rule_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_rule')),
    sa.UniqueConstraint('code', name=op.f('uq_clock_rule_code'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('chair', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('name', name=op.f('uq_theme_name'))
    )
    op.create_table('agency_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('alias_key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_alias_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_alias')),
    sa.UniqueConstraint('alias_key', name=op.f('uq_agency_alias_alias_key'))
    )
    with op.batch_alter_table('agency_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_alias_agency_id'), ['agency_id'], unique=False)

    op.create_table('list_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=True),
    sa.Column('clock_id', sa.Integer(), nullable=True),
    sa.Column('review_type_id', sa.Integer(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['clock_id'], ['clock_rule.id'], name=op.f('fk_list_item_clock_id_clock_rule')),
    sa.ForeignKeyConstraint(['review_type_id'], ['list_item.id'], name=op.f('fk_list_item_review_type_id_list_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_item')),
    sa.UniqueConstraint('kind', 'name', name='uq_list_item_kind_name')
    )
    with op.batch_alter_table('list_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_item_kind'), ['kind'], unique=False)

    op.create_table('action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('lead_agency_id', sa.Integer(), nullable=True),
    sa.Column('lead_officer', sa.String(length=200), nullable=True),
    sa.Column('evidence_required', sa.Text(), nullable=True),
    sa.Column('original_target_on', sa.Date(), nullable=True),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('target_text', sa.String(length=100), nullable=True),
    sa.Column('status_id', sa.Integer(), nullable=False),
    sa.Column('rag', sa.String(length=10), nullable=True),
    sa.Column('evidence_of_completion', sa.Text(), nullable=True),
    sa.Column('evidence_of_impact', sa.Text(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('closure_reason_id', sa.Integer(), nullable=True),
    sa.Column('closure_note', sa.Text(), nullable=True),
    sa.Column('signed_off_on', sa.Date(), nullable=True),
    sa.Column('signed_off_meeting_id', sa.Integer(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("rag IS NULL OR rag IN ('Red', 'Amber', 'Green', 'Blue')", name=op.f('ck_action_rag')),
    sa.ForeignKeyConstraint(['closure_reason_id'], ['list_item.id'], name=op.f('fk_action_closure_reason_id_list_item')),
    sa.ForeignKeyConstraint(['lead_agency_id'], ['agency.id'], name=op.f('fk_action_lead_agency_id_agency')),
    sa.ForeignKeyConstraint(['signed_off_meeting_id'], ['meeting.id'], name=op.f('fk_action_signed_off_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['status_id'], ['list_item.id'], name=op.f('fk_action_status_id_list_item')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_action_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action'))
    )
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_lead_agency_id'), ['lead_agency_id'], unique=False)
        batch_op.create_index('ix_action_open_target', ['status_id', 'target_on'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('date_referred', sa.Date(), nullable=True),
    sa.Column('date_aware', sa.Date(), nullable=True),
    sa.Column('referring_agency_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('location', sa.String(length=120), nullable=True),
    sa.Column('gender', sa.String(length=40), nullable=True),
    sa.Column('age_text', sa.String(length=40), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('notification_sent_on', sa.Date(), nullable=True),
    sa.Column('rapid_review_sent_on', sa.Date(), nullable=True),
    sa.Column('panel_told_of_decision_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['list_item.id'], name=op.f('fk_referral_category_id_list_item')),
    sa.ForeignKeyConstraint(['referring_agency_id'], ['agency.id'], name=op.f('fk_referral_referring_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    sa.UniqueConstraint('reference', name=op.f('uq_referral_reference'))
    )
    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('review_type_id', sa.Integer(), nullable=False),
    sa.Column('methodology_id', sa.Integer(), nullable=True),
    sa.Column('status_id', sa.Integer(), nullable=True),
    sa.Column('status_note', sa.Text(), nullable=True),
    sa.Column('lead_reviewers', sa.String(length=400), nullable=True),
    sa.Column('decision_on', sa.Date(), nullable=True),
    sa.Column('initiated_on', sa.Date(), nullable=True),
    sa.Column('learning_event_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('briefing_issued_on', sa.Date(), nullable=True),
    sa.Column('target_override_on', sa.Date(), nullable=True),
    sa.Column('delay_reason', sa.Text(), nullable=True),
    sa.Column('family_involvement', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['methodology_id'], ['list_item.id'], name=op.f('fk_review_methodology_id_list_item')),
    sa.ForeignKeyConstraint(['review_type_id'], ['list_item.id'], name=op.f('fk_review_review_type_id_list_item')),
    sa.ForeignKeyConstraint(['status_id'], ['list_item.id'], name=op.f('fk_review_status_id_list_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review')),
    sa.UniqueConstraint('reference', name=op.f('uq_review_reference'))
    )
    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('criteria_met', sa.Boolean(), nullable=True),
    sa.Column('criteria_basis', sa.String(length=200), nullable=True),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_decision_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['outcome_id'], ['list_item.id'], name=op.f('fk_decision_outcome_id_list_item')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_decision_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_referral_id'), ['referral_id'], unique=False)

    op.create_table('learning_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('event_type_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=True),
    sa.Column('facilitator', sa.String(length=200), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('attendance IS NULL OR attendance >= 0', name=op.f('ck_learning_event_attendance')),
    sa.ForeignKeyConstraint(['event_type_id'], ['list_item.id'], name=op.f('fk_learning_event_event_type_id_list_item')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_learning_event_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_event'))
    )
    with op.batch_alter_table('learning_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_event_review_id'), ['review_id'], unique=False)

    op.create_table('meeting_referral',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_referral_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_meeting_referral_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('meeting_id', 'referral_id', name=op.f('pk_meeting_referral'))
    )
    op.create_table('panel_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('decision_maker', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('decision_on', sa.Date(), nullable=True),
    sa.Column('report_of', sa.String(length=300), nullable=True),
    sa.Column('contact_details', sa.Text(), nullable=True),
    sa.Column('brief_summary', sa.Text(), nullable=True),
    sa.Column('recommendations_text', sa.Text(), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('alternative_options', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('resource_implications', sa.Text(), nullable=True),
    sa.Column('statutory_basis', sa.Text(), nullable=True),
    sa.Column('appendices', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_panel_report_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_report'))
    )
    with op.batch_alter_table('panel_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_report_review_id'), ['review_id'], unique=False)

    op.create_table('progress_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('update_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('rag', sa.String(length=10), nullable=True),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_progress_update_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_action_id'), ['action_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('addressed_to', sa.String(length=400), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('response_status_id', sa.Integer(), nullable=True),
    sa.Column('board_response', sa.Text(), nullable=True),
    sa.Column('response_on', sa.Date(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_status_id'], ['list_item.id'], name=op.f('fk_recommendation_response_status_id_list_item')),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_recommendation_review_id_review')),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_recommendation_theme_id_theme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation')),
    sa.UniqueConstraint('review_id', 'number', name='uq_recommendation_review_number')
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_theme_id'), ['theme_id'], unique=False)

    op.create_table('review_referral',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_review_referral_referral_id_referral'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_referral_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'referral_id', name=op.f('pk_review_referral'))
    )
    op.create_table('target_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('old_target_on', sa.Date(), nullable=True),
    sa.Column('new_target_on', sa.Date(), nullable=True),
    sa.Column('revised_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_target_revision_action_id_action'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_revision'))
    )
    with op.batch_alter_table('target_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_revision_action_id'), ['action_id'], unique=False)

    op.create_table('action_recommendation',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_recommendation_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_action_recommendation_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('action_id', 'recommendation_id', name=op.f('pk_action_recommendation'))
    )
    with op.batch_alter_table('action_recommendation', schema=None) as batch_op:
        batch_op.create_index('ix_action_recommendation_recommendation_id', ['recommendation_id'], unique=False)

    op.create_table('agency_response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('response_on', sa.Date(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_response_agency_id_agency')),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_agency_response_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_response')),
    sa.UniqueConstraint('recommendation_id', 'agency_id', name='uq_agency_response_rec_agency')
    )
    with op.batch_alter_table('agency_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_response_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('dissemination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learning_event_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('disseminated_on', sa.Date(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_dissemination_agency_id_agency')),
    sa.ForeignKeyConstraint(['learning_event_id'], ['learning_event.id'], name=op.f('fk_dissemination_learning_event_id_learning_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dissemination'))
    )
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dissemination_learning_event_id'), ['learning_event_id'], unique=False)

    op.create_table('document_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('added_on', sa.Date(), nullable=True),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('learning_event_id', sa.Integer(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('(CASE WHEN referral_id IS NULL THEN 0 ELSE 1 END + CASE WHEN review_id IS NULL THEN 0 ELSE 1 END + CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END + CASE WHEN action_id IS NULL THEN 0 ELSE 1 END + CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END + CASE WHEN learning_event_id IS NULL THEN 0 ELSE 1 END) = 1', name=op.f('ck_document_link_one_owner')),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_document_link_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learning_event_id'], ['learning_event.id'], name=op.f('fk_document_link_learning_event_id_learning_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_document_link_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_document_link_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_document_link_referral_id_referral'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_document_link_review_id_review'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_link'))
    )


def downgrade() -> None:
    op.drop_table('document_link')
    with op.batch_alter_table('dissemination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dissemination_learning_event_id'))

    op.drop_table('dissemination')
    with op.batch_alter_table('agency_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_response_recommendation_id'))

    op.drop_table('agency_response')
    with op.batch_alter_table('action_recommendation', schema=None) as batch_op:
        batch_op.drop_index('ix_action_recommendation_recommendation_id')

    op.drop_table('action_recommendation')
    with op.batch_alter_table('target_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_revision_action_id'))

    op.drop_table('target_revision')
    op.drop_table('review_referral')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_theme_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_review_id'))

    op.drop_table('recommendation')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_action_id'))

    op.drop_table('progress_update')
    with op.batch_alter_table('panel_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_report_review_id'))

    op.drop_table('panel_report')
    op.drop_table('meeting_referral')
    with op.batch_alter_table('learning_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_event_review_id'))

    op.drop_table('learning_event')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_referral_id'))
        batch_op.drop_index(batch_op.f('ix_decision_decided_on'))

    op.drop_table('decision')
    op.drop_table('review')
    op.drop_table('referral')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_open_target')
        batch_op.drop_index(batch_op.f('ix_action_lead_agency_id'))

    op.drop_table('action')
    with op.batch_alter_table('list_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_item_kind'))

    op.drop_table('list_item')
    with op.batch_alter_table('agency_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_alias_agency_id'))

    op.drop_table('agency_alias')
    op.drop_table('theme')
    op.drop_table('setting')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))

    op.drop_table('meeting')
    op.drop_table('clock_rule')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_record')
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
    op.drop_table('agency')
