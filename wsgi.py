from servicecenter import create_app

app = create_app()
