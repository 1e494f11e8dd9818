"""diagnostic fee

Revision ID: 3c0ac6b57a4d
Revises: 627b3d489476
Create Date: 2026-11-23 13:54:05.527203

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c0ac6b57a4d'
down_revision = '627b3d489476'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diagnostic_fee', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('repair_orders', schema=None) as batch_op:
        batch_op.drop_column('diagnostic_fee')

