FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY citygraph ./citygraph
RUN pip install --no-cache-dir .
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
# NEO4J_URI is required here: the container talks to the Neo4j service of docker-compose.yml.
CMD ["citygraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
