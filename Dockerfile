FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY exercises ./exercises
COPY rubrics ./rubrics
RUN pip install --no-cache-dir -e .
ENV TRANSTUTOR_DB=/data/transtutor.db \
    TRANSTUTOR_EXERCISES=/app/exercises \
    TRANSTUTOR_RUBRICS=/app/rubrics
VOLUME ["/data"]
CMD ["transtutor", "run"]
