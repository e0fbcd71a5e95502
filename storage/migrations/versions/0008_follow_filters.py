"""follows, keyword filters, digest schedules and bill threads: channels that follow a
bill, pledge or place; subscription keywords, digest cadence and hour, a thread per bill;
the server's timezone; each channel's thread per bill; the webhook's digest moments

Revision ID: 0008_follow_filters
Revises: 0004_delivery_claims
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa



revision = '0008_follow_filters'
down_revision = '0004_delivery_claims'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('guild_id', sa.BigInteger(), nullable=False),
        sa.Column('channel_id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('target', sa.String(length=128), nullable=False),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('source_url', sa.Text(), nullable=True),
        sa.Column('created_by', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint(
            'channel_id', 'kind', 'target', name='uq_follows_channel_kind_target'
        ),
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_guild_id'), ['guild_id'], unique=False)
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keywords', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('exclude_keywords', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('digest_cadence', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('digest_hour', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('digest_weekday', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('last_digest_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('thread_per_bill', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        'guild_settings',
        sa.Column('guild_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('guild_id', name=op.f('pk_guild_settings')),
    )
    op.create_table(
        'digest_marks',
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('target', name=op.f('pk_digest_marks')),
    )
    op.create_table(
        'bill_threads',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('channel_id', sa.BigInteger(), nullable=False),
        sa.Column('bill_key', sa.String(length=128), nullable=False),
        sa.Column('thread_id', sa.BigInteger(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_threads')),
        sa.UniqueConstraint('channel_id', 'bill_key', name='uq_bill_threads_channel_bill'),
    )


def downgrade() -> None:
    op.drop_table('bill_threads')
    op.drop_table('digest_marks')
    op.drop_table('guild_settings')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_column('thread_per_bill')
        batch_op.drop_column('last_digest_at')
        batch_op.drop_column('digest_weekday')
        batch_op.drop_column('digest_hour')
        batch_op.drop_column('digest_cadence')
        batch_op.drop_column('exclude_keywords')
        batch_op.drop_column('keywords')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_guild_id'))
    op.drop_table('follows')
