"""approved amount

Revision ID: 5b1e2f0a7c11
Revises: 3c0ac6b57a4d
Create Date: 2026-11-23 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e2f0a7c11'
down_revision = '3c0ac6b57a4d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_amount', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.drop_column('approved_amount')
